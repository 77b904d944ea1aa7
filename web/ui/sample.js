// Curves for the plots, always from the wasm kernels: f(x) = lab.forward, f'(x) = lab.backward
// with ones (never finite differences). Elementwise functions are sampled on a grid; dim-wise
// ones (softmax family, gating) as one output component against one input component x, the
// other components taken from a vector. Results are cached by their inputs, so a redraw only
// recomputes the curves whose function, parameters, range or vector changed.

/** n float32 grid points on [lo, hi] (both ends included). */
export function grid(lo, hi, n) {
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * i) / (n - 1);
  return xs;
}

/** Parameters for the kernels: the plot ignores `dim` (it varies one component, see below). */
function kernelParams(spec, params) {
  const p = {};
  for (const q of spec.params) if (q.kind !== 'dim' && params[q.name] !== undefined) p[q.name] = params[q.name];
  return p;
}

export class Sampler {
  #lab;
  #n;
  #cache = new Map();  // key -> curve; only the most recent MAX entries are kept
  #heap = null;        // x, ones, f, df on the wasm heap (elementwise path: no copies in, no allocation)
  static MAX = 64;

  constructor(lab, n = 2000) {
    this.#lab = lab;
    this.#n = n;
  }

  get n() { return this.#n; }
  get lab() { return this.#lab; }

  /**
   * { x, f, df, kinks: [{x, f, df}] } for one function. `vec`/`comp` describe the other
   * components of dim-wise functions (ignored by elementwise ones). Throws the kernel's Error
   * for invalid parameters (the caller shows it and keeps the last good curve).
   */
  curve(spec, params, [lo, hi], vec = [0, 1, 2], comp = vec.length - 1, n = this.#n) {
    const kp = kernelParams(spec, params);
    const key = JSON.stringify([spec.name, spec.source ?? '', kp, lo, hi, n, spec.dimwise || spec.halves ? [vec, comp] : 0]);
    const hit = this.#cache.get(key);
    if (hit) {
      this.#cache.delete(key);
      this.#cache.set(key, hit);
      return hit;
    }
    const xs = grid(lo, hi, n);
    const c = spec.custom && !spec.dimwise ? { x: xs, ...this.#lab.evaluate(spec.name, xs, { params: kp }), kinks: [] }  // value + derivative, one pass
      : spec.dimwise || spec.halves ? this.#component(spec, kp, xs, vec, comp) : this.#elementwise(spec, kp, xs);
    this.#cache.set(key, c);
    if (this.#cache.size > Sampler.MAX) this.#cache.delete(this.#cache.keys().next().value);
    return c;
  }

  #elementwise(spec, kp, xs) {
    const lab = this.#lab;
    const n = xs.length;
    if (this.#heap?.n !== n) {
      if (this.#heap) for (const h of this.#heap.bufs) h.free();
      this.#heap = { n, bufs: [lab.alloc(n), lab.alloc(n), lab.alloc(n), lab.alloc(n)] };
      this.#heap.bufs[1].array.fill(1);
    }
    const [hx, hg, hf, hd] = this.#heap.bufs;
    hx.array.set(xs);
    lab.forward(spec.name, hx, { params: kp, out: hf });
    lab.backward(spec.name, hx, hg, { params: kp, out: hd });
    const f = hf.array.slice();
    const df = hd.array.slice();
    const kinks = lab.kinks(spec.name, kp).filter(Number.isFinite);
    let kk = [];
    if (kinks.length) {
      const kx = Float32Array.from(kinks);
      const kf = lab.forward(spec.name, kx, { params: kp });
      const kd = lab.backward(spec.name, kx, new Float32Array(kx.length).fill(1), { params: kp });
      kk = kinks.map((x, i) => ({ x: kx[i], f: kf[i], df: kd[i] }));
    }
    return { x: xs, f, df, kinks: kk };
  }

  // Output component `comp` against input component x (the rest from `vec`), and its partial
  // derivative, from one batched forward and one backward with a one-hot gradOutput.
  #component(spec, kp, xs, vec, comp) {
    const lab = this.#lab;
    const n = xs.length;
    const K = vec.length;
    const i = Math.min(Math.max(comp, 0), K - 1);
    let shape, input, col, outCol, outK, params = { ...kp };
    if (spec.halves) {
      // Rows of (a, b), each half = vec; the activated half's component i is x.
      outK = K;
      col = (spec.activatedHalf ?? 0) * K + i;
      outCol = i;
      shape = [n, 2 * K];
      params.dim = -1;
      input = new Float32Array(n * 2 * K);
      for (let r = 0; r < n; r++) {
        input.set(vec, r * 2 * K);
        input.set(vec, r * 2 * K + K);
        input[r * 2 * K + col] = xs[r];
      }
    } else if (spec.fixedDim === -3) {
      // Softmax2d: K channels over a 1 x n image; channel i at pixel r is x[r].
      shape = [K, 1, n];
      input = new Float32Array(K * n);
      for (let c = 0; c < K; c++) input.fill(vec[c], c * n, (c + 1) * n);
      input.set(xs, i * n);
      const f = lab.forward(spec.name, input, { params, shape });
      const g = new Float32Array(K * n);
      g.fill(1, i * n, (i + 1) * n);
      const d = lab.backward(spec.name, input, g, { params, shape });
      return { x: xs, f: f.slice(i * n, (i + 1) * n), df: d.slice(i * n, (i + 1) * n), kinks: [] };
    } else {
      outK = K;
      col = outCol = i;
      shape = [n, K];
      params.dim = -1;
      input = new Float32Array(n * K);
      for (let r = 0; r < n; r++) {
        input.set(vec, r * K);
        input[r * K + col] = xs[r];
      }
    }
    const inK = shape[1];
    const out = lab.forward(spec.name, input, { params, shape });
    const g = new Float32Array(n * outK);
    for (let r = 0; r < n; r++) g[r * outK + outCol] = 1;
    const grad = lab.backward(spec.name, input, g, { params, shape });
    const f = new Float32Array(n);
    const df = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      f[r] = out[r * outK + outCol];
      df[r] = grad[r * inK + col];
    }
    return { x: xs, f, df, kinks: [] };
  }
}

/** Runs of x where |f'| < eps (saturation, dead units), as [x0, x1] pairs. */
export const flatRuns = (c, eps = 1e-3) => runsWhere(c, (d) => Math.abs(d) < eps);

/** Runs of x where `test(f'(x))` holds, as [x0, x1] pairs. */
export function runsWhere(c, test) {
  const runs = [];
  let start = -1;
  for (let i = 0; i <= c.x.length; i++) {
    const flat = i < c.x.length && test(c.df[i]);
    if (flat && start < 0) start = i;
    if (!flat && start >= 0) {
      runs.push([c.x[start], c.x[i - 1]]);
      start = -1;
    }
  }
  return runs;
}
