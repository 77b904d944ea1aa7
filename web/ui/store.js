// The page state: the only thing the UI reads. Controls (and later the URL) write it with
// set(patch); subscribers get the set of changed top-level keys once per animation frame, so a
// burst of slider events costs one recompute + redraw.
export function createStore(initial) {
  let state = Object.freeze({ ...initial });
  const subs = new Set();
  let pending = new Set();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const changed = pending;
    pending = new Set();
    for (const fn of subs) fn(state, changed);
  };

  return {
    get: () => state,
    /** Merge a patch; `now` flushes synchronously (benchmarks, tests, first paint). */
    set(patch, { now = false } = {}) {
      const next = { ...state };
      for (const [k, v] of Object.entries(patch)) {
        if (!Object.is(state[k], v)) {
          next[k] = v;
          pending.add(k);
        }
      }
      state = Object.freeze(next);
      if (!pending.size) return;
      if (now) flush();
      else if (!scheduled) {
        scheduled = true;
        requestAnimationFrame(() => (pending.size ? flush() : (scheduled = false)));
      }
    },
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
    flush() {
      if (pending.size) flush();
    },
  };
}
