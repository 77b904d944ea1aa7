// One render loop: views declare the state keys they read; each flushed batch of changes
// re-renders exactly the views whose keys changed, in registration order (the plot first).
// A view is { deps: [keys] ('*': any change), first?: true, mount?(ctx), render(state, changed, ctx), pending?() }:
// `first` views draw in the first frame, the rest right after it (the curve comes first);
// whenIdle() tasks start once all of that is done (what the first view does not need).
export function createScheduler(store, ctx) {
  const views = [];
  const inFlight = new Set();
  const deferred = [];
  let started = false, rest = false;

  const due = (v, changed) => changed.has('init') || v.deps.some((k) => k === '*' || changed.has(k));
  // `pick`: which views may render (before the rest pass, only the `first` ones).
  function run(s, changed, pick = (v) => rest || v.first) {
    for (const v of views) {
      if (!pick(v) || !due(v, changed)) continue;
      const r = v.render(s, changed, ctx);
      if (r && typeof r.then === 'function') track(r);
    }
  }
  function track(p) {
    inFlight.add(p);
    const done = () => inFlight.delete(p);
    p.then(done, done);
    return p;
  }
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
  const busy = () => !rest || inFlight.size > 0 || views.some((v) => v.pending?.());

  async function idle() {
    for (let quiet = 0; quiet < 2;) {  // two quiet checks a frame apart: work may queue work
      store.flush();
      if (busy()) {
        quiet = 0;
        await (inFlight.size ? Promise.allSettled([...inFlight]) : frame());
      } else if (quiet === 1 && deferred.length) {
        // The first idle() call to find the page quiet twice starts the deferred tasks, in the
        // same step as its check, so no other caller can resolve between that and their start.
        for (const task of deferred.splice(0)) track(Promise.resolve().then(task));
        quiet = 0;
      } else {
        quiet++;
        await frame();
      }
    }
  }

  return {
    /** Add a view (mounted at once; rendered from start() on). */
    register(view) {
      views.push(view);
      view.mount?.(ctx);
    },
    /** First render: the `first` views now, every other view after the first paint. */
    start(onRest) {
      if (started) return;
      started = true;
      store.subscribe((s, changed) => run(s, changed));
      run(store.get(), new Set(['init']));
      track(new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => {
        rest = true;
        run(store.get(), new Set(['init']), (v) => !v.first);
        onRest?.();
        resolve();
      }))));
      idle();  // starts the deferred tasks once the page is quiet, whether or not anyone waits
    },
    /** Run `task` (may return a promise) once the page is first idle; idle() waits for it. */
    whenIdle(task) { deferred.push(task); },
    /** Re-render the views that read `keys` although the state did not change (new function catalogue). */
    refresh(keys) { run(store.get(), new Set(keys)); },
    /** Keep idle() waiting for this promise. */
    track,
    /** Resolves once every queued change is rendered and no view has work pending. */
    idle,
  };
}
