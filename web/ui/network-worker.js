// The depth lab's worker: its own instance of the build with the expression engine runs
// lab.network() — build, input, forward, loss, backward, statistics — and bins the histograms, so
// the page never blocks. Results are cached per config (a pinned config is not recomputed when
// another changes); the networks of recent results stay alive while they are small, so a new
// saturation threshold only reruns stats(). The page cancels a run by terminating this worker.
//
// in:  { type: 'run', id, eps, custom: { source, cls } | null, configs: [{ key, api, run }] }
//      { type: 'validate', id, custom, api, run }   (a config the link schema refused: the API's own message)
// out: { type: 'progress', id, done, total, phase, index, layer?, layers? }
//      { type: 'result', id, results: [{ key, error } | { key, stats (with histograms), loss, ms }] }
//      { type: 'validated', id, error }
//      { type: 'ready' } once the build is loaded; { type: 'fatal', error } if it cannot load
import { loadActlab } from '../lib/actlab.js';
import { customActivation } from './worker-custom.js';
import { costOf } from './network.js';

const BINS = 32;
const KEEP_FLOATS = 2 ** 24;  // networks kept alive for re-thresholding: 64 MB of weights and tensors in all
const CACHE = 8;               // results kept

let lab = null;
let compiled = null;  // the page's custom activation, compiled here (worker-custom.js)
const labReady = loadActlab({ expr: true }).then((l) => { lab = l; compiled = customActivation(l); self.postMessage({ type: 'ready' }); }, (e) => {
  self.postMessage({ type: 'fatal', error: String(e?.message ?? e) });
  throw e;
});
const cache = new Map();  // key -> { result, eps, net, floats }

function remember(key, entry) {
  cache.delete(key);
  cache.set(key, entry);
  // Oldest first: drop results beyond CACHE, and free networks beyond the memory kept.
  let kept = 0;
  for (const [k, e] of [...cache].reverse()) {
    if (e.net) {
      if (kept + e.floats > KEEP_FLOATS) { e.net.free(); e.net = null; } else kept += e.floats;
    }
    void k;
  }
  while (cache.size > CACHE) {
    const [k, e] = cache.entries().next().value;
    e.net?.free();
    cache.delete(k);
  }
}

// One config through the whole pipeline; `step(phase, fraction)` reports progress, layer by layer
// (at most every 30 ms: a hundred layers would otherwise flood the page with messages).
function compute({ api, run }, eps, step) {
  if (api.activation.name === 'Custom' && compiled.error) throw new Error(compiled.error);
  const t0 = performance.now();
  const dims = [api.inputs, ...api.hidden, api.outputs];
  const B = run.batch, L = api.hidden.length;
  // Rough shares of the work: the init draws, then per layer forward, backward and stats.
  const mac = dims.slice(0, -1).map((d, l) => d * dims[l + 1]);
  const cost = {
    build: 8 * mac.reduce((a, b) => a + b, 0),
    forward: (i) => 2 * B * mac[i],
    backward: (i) => 4 * B * mac[L - i],
    stats: (i) => 40 * B * api.hidden[i],
  };
  let total = cost.build;
  for (let l = 0; l <= L; l++) total += cost.forward(l) + cost.backward(l) + (l < L ? cost.stats(l) : 0);
  let done = 0, posted = 0;
  step('build', 0);
  const net = lab.network(api);
  done += cost.build;
  try {
    const { loss, stats } = net.run({
      ...run, eps, bins: BINS,
      onProgress: ({ phase, index, count }) => {
        done += cost[phase](index);
        const now = performance.now();
        if (now - posted > 30) { posted = now; step(phase, done / total, { layer: index + 1, layers: count }); }
      },
    });
    const { floats } = costOf({ inputs: api.inputs, widths: api.hidden, outputs: api.outputs, batch: B });
    return { result: { stats, loss, ms: performance.now() - t0 }, net, floats };
  } catch (e) {
    net.free();
    throw e;
  }
}

async function runRequest({ id, eps, custom, configs }) {
  await labReady;
  compiled.use(custom);
  const results = [];
  for (const [index, c] of configs.entries()) {
    const step = (phase, frac, at = null) => self.postMessage({ type: 'progress', id, index, total: configs.length, phase, ...at, done: (index + frac) / configs.length });
    try {
      const hit = cache.get(c.key);
      if (hit && hit.eps === eps) {
        remember(c.key, hit);
        results.push({ key: c.key, ...hit.result });
        continue;
      }
      if (hit && hit.net) {
        // Only the threshold changed: the saturated fractions are recounted, the rest is kept.
        step('stats', 0);
        hit.result = { ...hit.result, stats: hit.net.stats({ eps, bins: BINS }) };
        hit.eps = eps;
        remember(c.key, hit);
        results.push({ key: c.key, ...hit.result });
        continue;
      }
      hit?.net?.free();
      const r = compute(c, eps, step);
      remember(c.key, { ...r, eps });
      results.push({ key: c.key, ...r.result });
    } catch (e) {
      results.push({ key: c.key, error: e.message });
    }
  }
  self.postMessage({ type: 'result', id, results });
}

// The API's message for a config the page's schema refused: sizes are checked on a network of
// width 1 (so a batch of 5000 is refused without allocating the real network's weights).
async function validate({ id, custom, api, run }) {
  await labReady;
  compiled.use(custom);
  let error = null;
  const tiny = (hidden) => ({ ...api, inputs: 1, outputs: 1, hidden, init: 'default', bias: 'default' });
  const cut = (h) => (Array.isArray(h) && h.length > 101 ? h.slice(0, 101) : h);
  for (const cfg of [tiny(cut(api.hidden).map((w) => (Number.isInteger(w) && w >= 1 && w <= 1024 ? 1 : w))), { ...tiny([1]), inputs: api.inputs, outputs: api.outputs }, { ...api, inputs: 1, outputs: 1, hidden: [1] }]) {
    try {
      const net = lab.network(cfg);
      try { net.input(run.batch, { dist: run.dist, std: run.std }); } finally { net.free(); }
    } catch (e) {
      error = e.message;
      break;
    }
  }
  self.postMessage({ type: 'validated', id, error });
}

self.onmessage = ({ data }) => {
  if (data.type === 'run') runRequest(data);
  else if (data.type === 'validate') validate(data);
};
