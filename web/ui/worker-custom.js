// The labs' workers: the page's custom activation compiled in the worker's own instance as
// `Custom`, again only when its source or class changes; `error` is its compile error (or null).
export function customActivation(lab) {
  let source = null, cls = null, error = null;
  return {
    use(custom) {
      const s = custom?.source ?? '', c = custom?.cls ?? '';
      if (s === source && c === cls) return;
      source = s;
      cls = c;
      error = null;
      // Results cached for the old function are keyed by its source: they simply stop matching.
      lab.release('Custom');
      if (!s.trim()) return;
      try {
        lab.compile(s, { name: 'Custom', cls: c });
      } catch (e) {
        error = e.message;
      }
    },
    get error() { return error; },
  };
}
