// actlab: PyTorch's activation functions, computed by C++ kernels compiled to WebAssembly.
// Thin JS over embind: validate nothing twice (C++ owns the rules), move buffers, turn
// error strings into Errors. Works in browsers and in Node >= 20 from the same file.
import { simd as detectSimd } from 'wasm-feature-detect';
import { codePoints, utf16Offset } from './text.js';
import { version } from './version.js';
import createSimd from './wasm/actlab-simd.mjs';

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

// Browsers: fetch and compile the SIMD module while the rest of the page's JS is still being
// evaluated (this module is evaluated first); where SIMD128 is missing, compile fails and is ignored.
// A page may have started the download already (index.html's window.__actlabWasm). Not in a
// worker: the depth lab's loads the build with the engine, never this one.
const simdUrl = new URL('./wasm/actlab-simd.wasm', import.meta.url);
const prefetched = () => {
  const p = !isNode && globalThis.__actlabWasm;
  return p && /\/actlab-simd\.wasm$/.test(simdUrl.pathname) ? p.then((r) => (r.ok ? r : fetch(simdUrl))) : fetch(simdUrl);
};
const earlySimd = !isNode && typeof document !== 'undefined' && typeof WebAssembly.compileStreaming === 'function' && typeof fetch === 'function'
  ? WebAssembly.compileStreaming(prefetched()).catch(() => null)
  : null;

// The SIMD glue is imported statically (no extra round trip before the wasm fetch on the common
// path); the scalar one and the builds with the expression engine (`{ expr: true }`) on demand.
// Literal URLs and imports, so bundlers (Vite) see and ship every file.
async function instantiate(useSimd, expr) {
  const wasmUrl = expr
    ? useSimd ? new URL('./wasm/actlab-simd-expr.wasm', import.meta.url) : new URL('./wasm/actlab-scalar-expr.wasm', import.meta.url)
    : useSimd ? new URL('./wasm/actlab-simd.wasm', import.meta.url) : new URL('./wasm/actlab-scalar.wasm', import.meta.url);
  const factory = expr
    ? (await (useSimd ? import('./wasm/actlab-simd-expr.mjs') : import('./wasm/actlab-scalar-expr.mjs'))).default
    : useSimd ? createSimd : (await import('./wasm/actlab-scalar.mjs')).default;
  return instantiateBuild(factory, wasmUrl, useSimd && !expr ? earlySimd : null);
}

// Runs an Emscripten factory on its .wasm: read from disk in node, else fetched (or the compiled `early`).
async function instantiateBuild(factory, wasmUrl, early) {
  const opts = {};
  if (isNode) {
    const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
    opts.wasmBinary = await readFile(wasmUrl);
  } else {
    opts.locateFile = () => wasmUrl.href;
    const mod = early ? await early : null;
    if (mod) {
      opts.instantiateWasm = (imports, receive) => {
        WebAssembly.instantiate(mod, imports).then((inst) => receive(inst, mod));
        return {};  // exports arrive asynchronously through receive()
      };
    }
  }
  return factory(opts);
}

/**
 * Load the library. Picks the SIMD128 build where the engine supports it, else the scalar build.
 * @param {{simd?: boolean, expr?: boolean}} [options] simd: force one build (benchmarks, tests);
 *   expr: load the build with the custom-expression engine (lab.compile), ~50 KB gzip more
 */
export async function loadActlab(options = {}) {
  const useSimd = options.simd ?? (await detectSimd());
  const M = await instantiate(useSimd, !!options.expr);
  return new Actlab(M, useSimd);
}

/**
 * Load another build of these bindings, the benchmark build (build/wasm/actlab-*-bench): its glue's
 * factory and its .wasm URL. Returns the library and the raw module (copyKernel, cheapJson, ...).
 */
export async function loadActlabBuild(factory, wasmUrl) {
  const module = await instantiateBuild(factory, wasmUrl, null);
  return { lab: new Actlab(module, module.simd()), module };
}


class Actlab {
  #M;
  #fns;            // name -> { index, spec }, a null-prototype object (see below)
  #custom = new Map();  // name -> { id, spec }: compiled custom expressions
  #arena = 0;      // one reusable heap block for all per-call buffers
  #arenaBytes = 0;
  #allocs = 0;     // lab.alloc() calls so far: picks each buffer's quarter page
  #run;            // the wasm export behind lab.forward/backward
  #dataInfo = null; // lab.datasets, read once

  constructor(M, simd) {
    this.#M = M;
    /** true when the SIMD128 build runs */
    this.simd = M.simd();
    /** true when this build has the custom-expression engine (lab.compile) */
    this.hasExpr = typeof M.exprCompile === 'function';
    /** The package's version (package.json's, written into version.js by scripts/build.sh). */
    this.version = version;
    if (this.simd !== simd) throw new Error('actlab: loaded the wrong wasm build');
    /** One entry per function, straight from the C++ table. */
    this.functions = deepFreeze(JSON.parse(M.functionsJson()));
    /** The C++ side's limits: expression size (exprChars, exprDepth, exprNodes, exprParams) and heapMax bytes. */
    this.limits = deepFreeze(JSON.parse(M.limitsJson()));
    // A plain object, not a Map: a call site's constant name hits V8's keyed-load cache.
    this.#fns = Object.create(null);
    this.functions.forEach((spec, index) => { this.#fns[spec.name] = { index, spec, packing: packingOf(spec) }; });
    // Kept here, not read from M per call: M is a dictionary-mode object (Emscripten adds its
    // properties one by one), and its _actlab_run starts as a stub that swaps in the wasm export
    // on its first call, made here on an empty input.
    if (M._actlab_run(0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0)) throw new Error(M.lastError());
    this.#run = M._actlab_run;
  }

  /**
   * Compile a custom activation written in PyTorch syntax over `x` (e.g. `alpha = 0.2;
   * torch.where(x > 0, x, alpha * (torch.exp(x) - 1))`) and register it under `name`, after
   * which forward/backward/evaluate accept that name like a built-in. Returns its spec (params
   * from `name = value` lines). Throws a SyntaxError with `.pos` (0-based offset) on bad input.
   */
  compile(source, { name = 'Custom', cls = '' } = {}) {
    if (typeof source !== 'string') throw new TypeError('compile(source): source must be a string');
    if (Object.hasOwn(this.#fns, name)) throw new Error(`'${name}' is the name of a built-in function`);
    if (!this.hasExpr) throw new Error('this build has no expression engine: load it with loadActlab({ expr: true })');
    // The length limit is checked here, before the text is copied into the wasm heap, in the
    // compiler's unit (code points); positions come back in code points and leave as UTF-16
    // offsets, the unit of JS strings and text boxes.
    const max = this.limits.exprChars;
    const len = codePoints(source);
    const fail = (message, cp) => {
      const e = new SyntaxError(message);
      e.pos = utf16Offset(source, cp);
      return e;
    };
    if (len > max) throw fail(`expression too long: ${len} characters (at most ${max})`, max);
    if (typeof cls !== 'string') throw new TypeError('compile(source, { cls }): cls must be a class name');
    // A lone surrogate would take the next UTF-16 unit with it into the heap: U+FFFD keeps
    // every position (one unit, one code point either way).
    const r = JSON.parse(this.#M.exprCompile(source.toWellFormed(), cls));
    if (r.error !== undefined) throw fail(r.error, r.pos);
    this.release(name);
    // A dim-wise function takes its dim like Softmax does: a `dim` parameter, the source's default.
    const dimParam = { name: 'dim', kind: 'dim', default: r.dim, lo: -4, hi: 3, doc: 'dim along which the reductions run' };
    const spec = deepFreeze({
      name, module: 'custom', family: r.dimwise ? 'softmax' : 'custom', custom: true, source, canonical: r.canonical,
      classes: r.classes, cls: r.cls, prints: r.prints,
      dimwise: r.dimwise, halves: false, latex: '', dlatex: '', range: '', kinks: [],
      params: [
        ...r.params.map((p) => ({ name: p.name, kind: 'number', default: p.default, lo: p.lo, hi: p.hi, doc: 'parameter of the custom expression' })),
        ...(r.dimwise ? [dimParam] : []),
      ],
    });
    this.#custom.set(name, { id: r.id, spec });
    return spec;
  }

  /**
   * The depth lab's network: nn.Sequential(nn.Linear(inputs, hidden[0]), act, ..., nn.Linear(hidden[-1],
   * outputs)), built as torch builds it after torch.manual_seed(seed). `activation`: { name, params }
   * of an element-wise built-in or a compiled custom function; `init`: 'default' or { name, ...kwargs }
   * of torch.nn.init (xavier_uniform_/xavier_normal_ gain; kaiming_uniform_/kaiming_normal_ a, mode,
   * nonlinearity; lecun_normal_; normal_ mean, std; uniform_ a, b; zeros_); `bias`: 'default',
   * { name: 'zeros_' } or { name: 'constant_', val }; `activations` (optional): one { name, params } per hidden
   * layer in place of `activation`. Needs the build with the engine ({ expr: true }).
   */
  network({ inputs, hidden, outputs, activation = { name: 'ReLU', params: {} }, activations = null, init = 'default', bias = 'default', seed = 0 } = {}) {
    if (!this.hasExpr) throw new Error('this build has no depth lab: load it with loadActlab({ expr: true })');
    const M = this.#M;
    const ints = (v, what) => {
      if (!Number.isInteger(v)) throw new TypeError(`${what} must be an integer, got ${JSON.stringify(v)}`);
      return v;
    };
    if (!Array.isArray(hidden) || hidden.length < 1 || hidden.length > 100) throw new RangeError('hidden: between 1 and 100 layer widths');
    hidden.forEach((w) => ints(w, 'hidden width'));
    ints(inputs, 'inputs');
    ints(outputs, 'outputs');
    if (!Number.isSafeInteger(seed) || seed < 0) throw new TypeError(`seed must be a non-negative integer, got ${JSON.stringify(seed)}`);
    const name = activation?.name;
    const custom = this.#custom.get(name);
    const spec = custom ? custom.spec : this.#lookup(name).spec;
    const { values } = packParams(spec, activation.params ?? {});
    const initSpec = init === 'default' ? { name: 'default' } : init;
    const biasSpec = bias === 'default' ? { name: 'default' } : bias;
    const nums = [initSpec.gain ?? 1, initSpec.a ?? 0, initSpec.b ?? 1, initSpec.mean ?? 0, initSpec.std ?? 1];
    const base = this.#reserve(8 * (values.length + nums.length) + 4 * hidden.length + 16);
    M.HEAPF64.set(values, base / 8);
    M.HEAPF64.set(nums, base / 8 + values.length);
    const hPtr = base + 8 * (values.length + nums.length);
    M.HEAP32.set(hidden, hPtr / 4);
    const r = JSON.parse(M.networkCreate(inputs, outputs, hPtr, hidden.length, name, base, values.length, custom ? custom.id : -1,
      String(initSpec.name), base + 8 * values.length, String(initSpec.mode ?? 'fan_in'), String(initSpec.nonlinearity ?? 'leaky_relu'),
      String(biasSpec.name), biasSpec.val ?? 0, seed));
    if (r.error !== undefined) throw new Error(r.error);
    const net = new Network(M, r, { inputs, outputs, layers: hidden.length });
    if (activations != null) {
      try {
        this.#layerActivations(r.id, activations, hidden.length);
      } catch (e) {
        net.free();
        throw e;
      }
    }
    return net;
  }

  // One activation per hidden layer, each resolved as `activation` is.
  #layerActivations(id, activations, layers) {
    if (!Array.isArray(activations) || activations.length !== layers) {
      throw new RangeError(`activations: one per hidden layer, got ${Array.isArray(activations) ? activations.length : typeof activations} for ${layers}`);
    }
    const M = this.#M;
    const packed = activations.map((a) => {
      const custom = this.#custom.get(a?.name);
      const spec = custom ? custom.spec : this.#lookup(a?.name).spec;
      return { name: a.name, values: Float64Array.from(packParams(spec, a.params ?? {}).values), expr: custom ? custom.id : -1 };
    });
    const nvals = packed.reduce((k, a) => k + a.values.length, 0);
    const base = this.#reserve(8 * nvals + 8 * layers + 16);
    let off = base / 8;
    for (const a of packed) { M.HEAPF64.set(a.values, off); off += a.values.length; }
    const counts = base + 8 * nvals, ids = counts + 4 * layers;
    M.HEAP32.set(packed.map((a) => a.values.length), counts / 4);
    M.HEAP32.set(packed.map((a) => a.expr), ids / 4);
    const err = M.networkActivations(id, packed.map((a) => a.name).join('\n'), base, counts, ids, layers);
    if (err) throw new Error(err);
  }

  /**
   * The training lab's datasets and input features (C++'s limits and names):
   * { names, features, maxN, maxRows, maxBytes, maxLine, maxClasses }. In the build with the engine.
   */
  get datasets() {
    this.#needData();
    return (this.#dataInfo ??= deepFreeze(JSON.parse(this.#M.datasetInfo())));
  }

  /**
   * A built-in 2-D dataset, bit for bit as web/lib/train/datasets.py's make_dataset(name, n, noise,
   * seed, classes) in torch, shuffled, then split: the first round(n * ratio) rows train. `classes`
   * (2–4) is read by 'gauss' only; `features` name the network's input columns, in order.
   * Returns { train, test, classes, classValues, task, features }, each part
   * { x: Float32Array [rows × features], points: Float32Array [rows × 2], y, shape: [rows, features] }
   * with y an Int32Array of labels 0..classes-1, or a Float32Array of targets ('plane': classes 0).
   */
  dataset({ name, n = 500, noise = 0, ratio = 0.5, seed = 0, classes = 2, features = ['x1', 'x2'] } = {}) {
    this.#needData();
    if (!Number.isInteger(classes)) throw new TypeError(`classes must be an integer, got ${JSON.stringify(classes)}`);
    const names = featureList(features);
    return this.#dataResult(this.#M.datasetMake(String(name), +n, +noise, +ratio, +seed, classes, names), names);
  }

  /**
   * An uploaded CSV of `x1,x2,label` or `x1,x2,y` rows (optional header), shuffled with `seed` as
   * dataset() shuffles and split the same way. Throws an Error naming each bad line (up to 10;
   * `.errors` [{ line, message }], `.more` the count of the rest). Integer labels are remapped to
   * 0..k-1 in increasing order; `classValues` keeps the file's.
   */
  parseCsv(text, { ratio = 0.5, seed = 0, features = ['x1', 'x2'] } = {}) {
    this.#needData();
    if (typeof text !== 'string') throw new TypeError('parseCsv(text): text must be a string');
    const names = featureList(features);
    const M = this.#M;
    const bytes = new TextEncoder().encode(text);
    // Too large a file is refused by C++ from its size alone: it is not copied into the heap.
    const fits = bytes.length <= this.datasets.maxBytes;
    const p = fits ? M._malloc(bytes.length || 1) : 0;
    if (fits && !p) throw new RangeError(`actlab: out of memory (a CSV of ${bytes.length} bytes)`);
    let json;
    try {
      if (fits) M.HEAPU8.set(bytes, p);
      json = M.datasetParseCsv(p, bytes.length, +ratio, +seed, names);
    } finally {
      if (p) M._free(p);
    }
    return this.#dataResult(json, names);
  }

  /** The feature columns of points (Float32Array [n × 2], e.g. a plot's grid): Float32Array [n × names.length]. */
  features(points, names) {
    this.#needData();
    const xs = points instanceof Float32Array ? points : Float32Array.from(points);
    if (xs.length % 2) throw new RangeError(`features(points): 2 numbers per point, got ${xs.length}`);
    const M = this.#M;
    const p = M._malloc(xs.length * 4 || 4);
    try {
      M.HEAPF32.set(xs, p / 4);
      const r = JSON.parse(M.datasetFeatures(p, xs.length / 2, featureList(names)));
      if (r.error !== undefined) throw new Error(r.error);
      return M.HEAPF32.slice(r.ptr / 4, r.ptr / 4 + r.n);
    } finally {
      M._free(p);
      M.datasetFree();
    }
  }

  #needData() {
    if (typeof this.#M.datasetMake !== 'function') throw new Error('this build has no training lab: load it with loadActlab({ expr: true })');
  }

  // C++'s JSON (buffers on the heap) -> copies split into train and test; the heap is freed.
  #dataResult(json, names) {
    const M = this.#M;
    try {
      const r = JSON.parse(json);
      if (r.error !== undefined) {
        const lines = r.errors ? r.errors.map((e) => e.message) : [r.error];
        if (r.more) lines.push(`and ${r.more} more line${r.more === 1 ? '' : 's'} with errors`);
        throw Object.assign(new Error(lines.join('\n')), r.errors ? { errors: r.errors, more: r.more } : {});
      }
      const k = names.split(',').length;
      const x = M.HEAPF32.slice(r.x.ptr / 4, r.x.ptr / 4 + r.x.n);
      const points = M.HEAPF32.slice(r.points.ptr / 4, r.points.ptr / 4 + r.points.n);
      const y = (r.classes ? M.HEAP32 : M.HEAPF32).slice(r.y.ptr / 4, r.y.ptr / 4 + r.y.n);
      const part = (a, b) => ({ x: x.slice(a * k, b * k), points: points.slice(2 * a, 2 * b), y: y.slice(a, b), shape: [b - a, k] });
      return {
        train: part(0, r.train), test: part(r.train, r.n), classes: r.classes, classValues: r.classValues,
        task: r.classes ? 'classification' : 'regression', features: names.split(','),
      };
    } finally {
      M.datasetFree();
    }
  }

  /** Forget a compiled custom function (frees its graph). */
  release(name) {
    const c = this.#custom.get(name);
    if (c) this.#M.exprFree(c.id);
    this.#custom.delete(name);
  }

  /** The spec of a built-in or compiled custom function. */
  spec(name) {
    return this.#custom.get(name)?.spec ?? this.#lookup(name).spec;
  }

  /**
   * f(x) and f'(x) (= backward with ones) together: one pass for custom functions (the
   * expression's forward-mode derivative), forward + backward for built-ins. Custom functions
   * take `{ out, dout }` HeapArrays for a zero-copy call.
   */
  evaluate(name, x, options = {}) {
    const c = this.#custom.get(name);
    if (!c) {
      const { out, dout, ...rest } = options;
      if (out != null && dout != null && this.#overlaps(out, dout)) throw new TypeError('evaluate(): out and dout must not overlap');
      // f written into x itself would change what the derivative reads: it waits in a copy.
      const inPlace = out != null && this.#overlaps(out, x);
      const f = this.forward(name, x, { ...rest, out: inPlace ? null : out });
      const df = this.backward(name, x, new Float32Array(f.length).fill(1), { ...rest, out: dout });
      if (!inPlace) return { f, df };
      const o = out instanceof HeapArray ? out.array : this.#live(out);
      o.set(f);
      return { f: o, df };
    }
    return this.#callCustom(c, 'both', x, null, options);
  }

  /** Forward: y = f(x). */
  forward(name, x, options = {}) {
    const f = this.#fns[name];  // built-ins first: a custom function cannot take their names
    if (f) return this.#call(f, false, x, null, options);
    const c = this.#custom.get(name);
    if (c) return this.#callCustom(c, 'f', x, null, options);
    return this.#call(this.#lookup(name), false, x, null, options);
  }

  /** Backward: torch.autograd.grad(f(x), x, gradOutput). */
  backward(name, x, gradOutput, options = {}) {
    if (gradOutput == null) throw new TypeError('backward(): gradOutput is required (use ones for the derivative)');
    const f = this.#fns[name];
    if (f) return this.#call(f, true, x, gradOutput, options);
    const c = this.#custom.get(name);
    if (c) return this.#callCustom(c, 'df', x, gradOutput, options);
    return this.#call(this.#lookup(name), true, x, gradOutput, options);
  }

  /** x positions where PyTorch uses a one-sided derivative, for these params. */
  kinks(name, params = {}) {
    if (this.#custom.has(name)) return [];
    const { index, spec } = this.#lookup(name);
    const { values } = packParams(spec, params);
    const M = this.#M;
    const need = values.length * 8 + 16 * 8;
    const base = this.#reserve(need);
    M.HEAPF64.set(values, base / 8);
    const out = base + values.length * 8;
    const count = M.kinks(index, base, out, 16);
    return Array.from(M.HEAPF64.subarray(out / 8, out / 8 + Math.min(count, 16)));
  }

  /** Bytes malloc'd inside the wasm heap right now (leak checks). */
  heapInUse() {
    return this.#M.heapInUse();
  }

  /** Size of the wasm linear memory in bytes. */
  get heapSize() {
    return this.#M.HEAPU8.length;
  }

  // Custom expressions: f and/or f' (= backward with ones) in one C++ pass; backward proper
  // through the engine's reverse sweep with gradOutput.
  #callCustom({ id, spec }, what, x, g, { params = {}, out, dout, shape } = {}) {
    const M = this.#M;
    if (spec.dimwise) return this.#callCustomDim({ id, spec }, what, x, g, { params, out, dout, shape });
    const xp = this.#ptrOf(x), gp = g == null ? -1 : this.#ptrOf(g), op = this.#ptrOf(out), dp = this.#ptrOf(dout);
    const xs = xp >= 0 ? null : toF32(x, 'x');
    const n = xs ? xs.length : x.length;
    const gs = g == null || gp >= 0 ? null : toF32(g, 'gradOutput');
    const ng = g == null ? n : gs ? gs.length : g.length;
    if (ng !== n) throw new Error(`Mismatch in shape: grad_output has ${ng} elements and output has ${n}.`);
    checkOut(out, n, op >= 0);
    checkOut(dout, n, dp >= 0);
    const { values } = packParams(spec, params);
    const gIn = what === 'df' && gs != null;
    const [offX, offG, offF, offD, end] = staggered(align16(values.length * 8 + 8), xs ? n * 4 : 0, gIn ? n * 4 : 0, n * 4, n * 4);
    const base = this.#reserve(end);
    M.HEAPF64.set(values, base / 8);
    const xPtr = xs ? base + offX : xp;
    if (xs) M.HEAPF32.set(xs, xPtr / 4);
    const view = (p) => M.HEAPF32.subarray(p / 4, p / 4 + n);
    // Heap outputs were written in place; a JS array gets one copy; no `out`: a new array.
    const result = (o, ptr, p) => (o == null ? view(p).slice() : o instanceof HeapArray ? o.array : ptr >= 0 ? this.#live(o, ptr, n) : (o.set(view(p)), o));
    if (what === 'df') {
      // torch.autograd.grad(f(x), x, g): the reverse sweep multiplies by g itself.
      const gPtr = gIn ? base + offG : gp;
      if (gIn) M.HEAPF32.set(gs, gPtr / 4);
      const dPtr = op >= 0 ? op : base + offD;
      const err = M.exprBackward(id, xPtr, gPtr, n, base, dPtr);
      if (err) throw new Error(err);
      return result(out, op, dPtr);
    }
    const fPtr = op >= 0 ? op : base + offF;
    const dPtr = what === 'f' ? 0 : dp >= 0 ? dp : base + offD;
    const err = M.exprEval(id, xPtr, n, base, fPtr, dPtr);
    if (err) throw new Error(err);
    if (what === 'both') return { f: result(out, op, fPtr), df: result(dout, dp, dPtr) };
    return result(out, op, fPtr);
  }

  // Dim-wise custom functions: forward, backward with g, or both (backward with ones), along
  // params.dim of `shape` (default: one row).
  #callCustomDim({ id, spec }, what, x, g, { params = {}, out, dout, shape }) {
    const M = this.#M;
    const heap = (a, what) => (a instanceof HeapArray ? a.array : toF32(a, what));
    const xs = heap(x, 'x');
    const n = xs.length;
    if (shape != null && (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 31))) {
      throw new TypeError(`shape must be an array of integers, got ${JSON.stringify(shape)}`);
    }
    const sh = shape ?? [n];
    if (sh.reduce((a, b) => a * b, 1) !== n) throw new Error(`shape '[${sh.join(', ')}]' is invalid for input of size ${n}`);
    if (sh.length > 16) throw new Error('too many dims');
    const { dim: dimIn, ...rest } = params;
    const dim = dimIn ?? spec.params.find((p) => p.name === 'dim').default;
    if (!Number.isInteger(dim)) throw new TypeError(`dim must be an integer, got ${JSON.stringify(dim)}`);
    const exprSpec = { ...spec, params: spec.params.filter((p) => p.name !== 'dim') };
    const { values } = packParams(exprSpec, rest);
    const gs = g == null ? null : heap(g, 'gradOutput');
    if (gs && gs.length !== n) throw new Error(`Mismatch in shape: grad_output has ${gs.length} elements and output has ${n}.`);
    checkOut(out, n, out instanceof HeapArray);
    checkOut(dout, n, dout instanceof HeapArray);
    const offP = 0, offS = align16(values.length * 8 + 8), offX = offS + align16(sh.length * 4 + 4);
    const offG = offX + align16(n * 4), offO = offG + align16(n * 4);
    const base = this.#reserve(offO + align16(n * 4));
    M.HEAPF64.set(values, (base + offP) / 8);
    M.HEAP32.set(sh, (base + offS) / 4);
    M.HEAPF32.set(xs, (base + offX) / 4);
    const run = (gArr) => {
      if (gArr) M.HEAPF32.set(gArr, (base + offG) / 4);
      const err = M.exprDim(id, base + offX, gArr ? base + offG : 0, base + offS, sh.length, dim, base + offP, base + offO);
      if (err) throw new Error(err);
      return M.HEAPF32.slice((base + offO) / 4, (base + offO) / 4 + n);
    };
    const put = (o, v) => (o == null ? v : (o instanceof HeapArray ? o.array : o).set(v) ?? (o instanceof HeapArray ? o.array : o));
    if (what === 'f') return put(out, run(null));
    if (what === 'df') return put(out, run(gs));
    const f = run(null);
    const df = run(new Float32Array(n).fill(1));
    return { f: put(out, f), df: put(dout, df) };
  }

  #lookup(name) {
    const f = this.#fns[name];
    if (!f) {
      const known = this.functions.map((s) => s.name).join(', ');
      throw new Error(`Unknown function '${name}'. Known functions: ${known}`);
    }
    return f;
  }

  // Grow-only scratch block; views are re-read after every allocation (memory may grow).
  #reserve(bytes) {
    if (bytes > this.#arenaBytes) {
      if (bytes > this.limits.heapMax) throw new RangeError(`actlab: out of memory (needed ${(bytes / 2 ** 20).toFixed(1)} MiB of wasm heap)`);
      const M = this.#M;
      if (this.#arena) M._free(this.#arena);
      const size = Math.max(bytes, this.#arenaBytes * 1.5, 1 << 16);
      const p = M._malloc(size);
      if (!p) {
        this.#arena = 0;
        this.#arenaBytes = 0;
        throw new RangeError(`actlab: out of memory (needed ${(bytes / 2 ** 20).toFixed(1)} MiB of wasm heap)`);
      }
      this.#arena = p;
      this.#arenaBytes = size;
    }
    return this.#arena;
  }

  /**
   * Zero-copy path: a Float32Array-backed buffer that lives on the wasm heap. Pass it as x,
   * gradOutput or `out` and no copy is made. Call free() when done.
   */
  alloc(n) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`alloc(n): n must be a non-negative integer, got ${n}`);
    // Successive buffers start a quarter page apart modulo 4 KiB (see staggered()).
    const bytes = Math.max(n, 1) * 4 + 4096 + 16;
    // malloc takes a 32-bit size: a bigger request would wrap to a small block.
    if (bytes > this.limits.heapMax) throw new RangeError(`alloc(${n}): ${n} floats do not fit in the wasm heap (at most ${this.limits.heapMax} bytes)`);
    const raw = this.#M._malloc(bytes);
    if (!raw) throw new RangeError(`actlab: out of memory (alloc of ${n} floats)`);
    const aligned = align16(raw);
    const ptr = aligned + toPageOffset(aligned, (this.#allocs++ % 4) * QUARTER_PAGE);
    return new HeapArray(this.#M, ptr, n, raw);
  }

  // Every lab.forward/backward on a built-in. Called per slider step and per benchmark sample, so
  // it allocates nothing on the zero-copy path (a small call's cost was mostly this function).
  #call(fn, backward, x, g, options) {
    const { index, spec, packing } = fn;
    const M = this.#M;
    const params = options?.params ?? NO_PARAMS, shape = options?.shape, out = options?.out;
    const xp = this.#ptrOf(x), gp = g == null ? -1 : this.#ptrOf(g), op = this.#ptrOf(out);
    const xh = xp >= 0, gh = gp >= 0, oh = op >= 0;
    const xs = xh ? null : toF32(x, 'x');
    const gs = g == null || gh ? null : toF32(g, 'gradOutput');
    const packed = packParams(spec, params, packing);
    const { values, weight } = packed;
    if (xs && xs.length > 2 * CHUNK && !gh && !oh && splittable(spec, weight, shape, xs, gs, out)) {
      return this.#chunked(fn, backward, xs, gs, params, out);
    }
    let dims = -1;
    if (shape != null) {
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && Math.abs(d) < 2 ** 31)) {
        throw new TypeError(`shape must be an array of integers, got ${JSON.stringify(shape)}`);
      }
      dims = shape.length;
    }
    const n = xs ? xs.length : x.length;
    const ng = g == null ? 0 : gs ? gs.length : g.length;
    // The output of GLU-like functions is half the input; the C++ side checks the exact shape.
    const nOut = backward ? n : spec.halves ? Math.floor(n / 2) : n;
    if (out != null) checkOut(out, nOut, oh);
    // One grow-only block holds whatever is not already on the heap, 16-byte aligned: shape,
    // params, weight, then x, gradOutput and out a quarter page apart (see staggered()). Default
    // params are not written at all: the C++ table has them (params pointer 0).
    const dflt = packed.isDefault;
    const offP = align16(Math.max(dims, 0) * 4 + 4);
    const offW = dflt ? offP : offP + align16(values.length * 8 + 8);
    const head = dflt ? offP : offW + align16(weight.length * 4 + 4);
    // All on the heap already (the zero-copy path): nothing to lay out.
    const offs = xs || gs || !oh ? staggered(head, xs ? n * 4 : 0, gs ? ng * 4 : 0, oh ? 0 : nOut * 4) : null;
    const base = this.#reserve(offs ? offs[3] : head);
    const xPtr = xs ? base + offs[0] : xp;
    const gPtr = g == null ? 0 : gs ? base + offs[1] : gp;
    const oPtr = oh ? op : base + offs[2];
    if (dims > 0) M.HEAP32.set(shape, base / 4);
    if (!dflt && values.length) M.HEAPF64.set(values, (base + offP) / 8);
    if (!dflt && weight.length) M.HEAPF32.set(weight, (base + offW) / 4);
    if (xs) M.HEAPF32.set(xs, xPtr / 4);
    if (gs) M.HEAPF32.set(gs, gPtr / 4);
    if (this.#run(index, backward ? 1 : 0, xPtr, gPtr, ng, oPtr, n, base, dims, dflt ? 0 : base + offP, dflt ? 0 : base + offW, dflt ? 0 : weight.length)) throw new Error(M.lastError());
    if (oh) return out instanceof HeapArray ? out.array : this.#live(out, oPtr, nOut);
    const result = M.HEAPF32.subarray(oPtr / 4, oPtr / 4 + nOut);
    return out != null ? (out.set(result), out) : result.slice();
  }

  // A large element-wise call through copies, CHUNK elements at a time: each piece of x,
  // gradOutput and the result stays in L2 from the copy in through the kernel to the copy out,
  // and the scratch block stays small.
  // The first piece validates the parameters; an error there leaves `out` untouched.
  #chunked(fn, backward, xs, gs, params, out) {
    const n = xs.length;
    const result = out ?? new Float32Array(n);
    const opts = { params, out: null };
    for (let i = 0; i < n; i += CHUNK) {
      const j = Math.min(n, i + CHUNK);
      opts.out = result.subarray(i, j);
      this.#call(fn, backward, xs.subarray(i, j), gs ? gs.subarray(i, j) : null, opts);
    }
    return result;
  }

  // The heap address of a buffer passed without a copy: this instance's live HeapArray, or a
  // Float32Array view of its heap (h.array: it would detach if the call grows the heap, so it is
  // used by address, never read as a view). -1: anything else, copied in.
  #ptrOf(a) {
    if (a instanceof HeapArray) {
      if (HeapArray.moduleOf(a) !== this.#M || a.freed) throw new Error('HeapArray is freed or belongs to another actlab instance');
      return a.ptr;
    }
    if (a instanceof Float32Array && a.buffer === this.#M.HEAPF32.buffer) return a.byteOffset;
    return -1;
  }

  // A heap-backed Float32Array argument after the call: itself, or a fresh view of the same
  // floats if the call grew the heap (a detached view has length 0).
  #live(a, ptr = a.byteOffset, n = a.length) {
    return a.buffer.byteLength ? a : new Float32Array(this.#M.HEAPF32.buffer, ptr, n);
  }

  // Whether two arguments share memory (heap buffers by address, JS arrays by buffer).
  #overlaps(a, b) {
    const range = (v) => {
      const p = this.#ptrOf(v);
      if (p >= 0) return [this.#M.HEAPF32.buffer, p, p + v.length * 4];
      if (ArrayBuffer.isView(v)) return [v.buffer, v.byteOffset, v.byteOffset + v.byteLength];
      return null;
    };
    const ra = range(a), rb = range(b);
    return !!ra && !!rb && ra[0] === rb[0] && ra[1] < rb[2] && rb[1] < ra[2];
  }
}

const CHUNK = 65536;  // elements: x, gradOutput and the result, 768 KiB in all, fit a 1 MiB L2
// Whether a call may run piece by piece (#chunked): element-wise with at most one weight, not
// keyed by the element's index, and nothing to report that only the whole call could (a bad
// shape, a gradOutput of another size, an `out` that partly overlaps an input). Such calls run
// whole and get their error from the C++ side.
function splittable(spec, weight, shape, xs, gs, out) {
  if (spec.dimwise || spec.halves || spec.indexKeyed || weight.length > 1) return false;
  const n = xs.length;
  if (gs && gs.length !== n) return false;
  if (shape != null && !(Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0) &&
      shape.reduce((a, d) => a * d, 1) === n)) return false;
  if (out != null) {
    if (!(out instanceof Float32Array) || out.length !== n) return false;
    const apartOrSame = (a) => a.buffer !== out.buffer || (a.byteOffset === out.byteOffset && a.length === n);
    if (!apartOrSame(xs) || (gs && !apartOrSame(gs))) return false;
  }
  return true;
}

/**
 * A float32 buffer on the wasm heap (see Actlab#alloc). Its address and length are read-only:
 * kernels trust them.
 */
/**
 * A network built by lab.network(): parameters on the wasm heap, forward and backward on a batch,
 * per-layer statistics. Arrays it returns are copies; free() releases it.
 */
// The C++ side writes NaN as null (JSON has no NaN) and ±inf as ±1e999 (which JSON.parse reads as ±Infinity).
function statsOf(json) {
  const r = JSON.parse(json, (k, v) => (v === null ? NaN : v));
  if (r.error !== undefined) throw new Error(r.error);
  return r;
}

class Network {
  #M;
  #id;
  #meta;
  #params;
  #batch = 0;
  constructor(M, r, meta) {
    this.#M = M;
    this.#id = r.id;
    this.#meta = meta;
    this.#params = r.params;
  }

  #live() {
    if (this.#id < 0) throw new Error('network was freed');
  }
  #copy({ ptr, n }) { return this.#M.HEAPF32.slice(ptr / 4, ptr / 4 + n); }

  /** [{ name, shape, data }] as nn.Sequential(...).named_parameters(). */
  parameters() {
    this.#live();
    return this.#params.map((p) => ({ name: p.name, shape: p.shape.slice(), data: this.#copy(p.data) }));
  }

  /** torch.randn(batch, inputs) * std (or (torch.rand(...) - 0.5) * (2 * std)) from the network's generator. */
  input(batch, { dist = 'randn', std = 1 } = {}) {
    this.#live();
    const r = JSON.parse(this.#M.networkInput(this.#id, batch, dist === 'randn', std));
    if (r.error !== undefined) throw new Error(r.error);
    return this.#copy(r);
  }

  /** Forward on x [batch × inputs]: { layers: [{ pre, post }], output }. */
  forward(x, { shape } = {}) {
    this.#live();
    const xs = x instanceof Float32Array ? x : Float32Array.from(x);
    const batch = shape ? shape[0] : xs.length / this.#meta.inputs;
    if (!Number.isInteger(batch) || (shape && (shape.length !== 2 || shape[1] !== this.#meta.inputs)) || batch * this.#meta.inputs !== xs.length) {
      throw new Error(`mat1 and mat2 shapes cannot be multiplied (${shape ? shape.join('x') : `${xs.length} elements`} and ${this.#meta.inputs}x...)`);
    }
    const M = this.#M;
    const p = M._malloc(xs.length * 4 || 4);
    try {
      M.HEAPF32.set(xs, p / 4);
      const err = M.networkForward(this.#id, p, batch);
      if (err) throw new Error(err);
    } finally {
      M._free(p);
    }
    this.#batch = batch;
    const b = JSON.parse(M.networkBuffers(this.#id));
    return { layers: b.layers.map((l) => ({ pre: this.#copy(l.pre), post: this.#copy(l.post) })), output: this.#copy(b.output) };
  }

  /** The page's loss on the last forward ('sum', 'mse', 'cross_entropy'), targets drawn as torch does: { value, gradOutput }. */
  loss(kind = 'sum') {
    this.#live();
    const r = statsOf(this.#M.networkLoss(this.#id, String(kind)));
    return { value: r.value, gradOutput: this.#copy(r.grad) };
  }

  /** out.backward(gradOutput) after forward(): { layers: [{ gradPost, gradPre }], gradInput, params: [{ name, grad }] }. */
  backward(gradOutput) {
    this.#live();
    if (!this.#batch) throw new Error('backward before forward');
    const gs = gradOutput instanceof Float32Array ? gradOutput : Float32Array.from(gradOutput);
    const want = this.#batch * this.#meta.outputs;
    if (gs.length !== want) throw new Error(`Mismatch in shape: grad_output has ${gs.length} elements and output has ${want}.`);
    const M = this.#M;
    const p = M._malloc(gs.length * 4);
    try {
      M.HEAPF32.set(gs, p / 4);
      const err = M.networkBackward(this.#id, p);
      if (err) throw new Error(err);
    } finally {
      M._free(p);
    }
    const b = JSON.parse(M.networkBuffers(this.#id));
    return {
      layers: b.layers.map((l) => ({ gradPost: this.#copy(l.gradPost), gradPre: this.#copy(l.gradPre) })),
      gradInput: this.#copy(b.gradInput),
      params: this.#params.map((q) => ({ name: q.name, grad: this.#copy(q.grad) })),
    };
  }

  /**
   * Per hidden layer { preMean, preStd, postMean, postStd, gradMean, gradStd, gradNorm, saturated, dead } (with
   * `bins`, also hist: { pre, post, grad }, each { lo, hi, counts, zeros, nonFinite, n }); per Linear
   * { wNorm, wGradNorm, ratio }. A statistic torch would print as nan or inf is NaN or ±Infinity.
   */
  stats({ eps = 1e-3, bins = 0 } = {}) {
    this.#live();
    return statsOf(this.#M.networkStats(this.#id, eps, bins));
  }

  /**
   * The depth lab's whole run with nothing copied out: input(batch, { dist, std }), forward, loss(loss),
   * backward, stats({ eps, bins }); onProgress({ phase, index, count }) is called after each layer of
   * each pass ('forward', 'backward', 'stats'). Returns { loss, stats }.
   */
  run({ batch, dist = 'randn', std = 1, loss = 'sum', eps = 1e-3, bins = 0, onProgress = null } = {}) {
    this.#live();
    const M = this.#M, id = this.#id;
    const check = (err) => { if (err) throw new Error(err); };
    const x = JSON.parse(M.networkInput(id, batch, dist === 'randn', std));
    if (x.error !== undefined) throw new Error(x.error);
    const L = this.#meta.layers;
    check(M.networkForwardBegin(id, x.ptr, batch));
    this.#batch = batch;
    for (let l = 0; l <= L; l++) {
      check(M.networkForwardLayer(id, l));
      onProgress?.({ phase: 'forward', index: l, count: L + 1 });
    }
    const r = statsOf(M.networkLoss(id, String(loss)));
    check(M.networkBackwardBegin(id, r.grad.ptr));
    for (let l = L; l >= 0; l--) {
      check(M.networkBackwardLayer(id, l));
      onProgress?.({ phase: 'backward', index: L - l, count: L + 1 });
    }
    const layers = [];
    for (let l = 0; l < L; l++) {
      const st = statsOf(M.networkLayerStats(id, l, eps, bins));
      layers.push(st);
      onProgress?.({ phase: 'stats', index: l, count: L });
    }
    return { loss: r.value, stats: { layers, linear: statsOf(M.networkLinearStats(id)).linear } };
  }

  /**
   * torch.optim.<name>(net.parameters(), **kwargs) on this network: { name: 'SGD' | 'Adam' | 'AdamW' |
   * 'RMSprop', ...its keyword arguments (torch's names, torch's defaults; betas as [b1, b2]) }.
   */
  optimizer({ name, ...kwargs } = {}) {
    this.#live();
    if (typeof name !== 'string') throw new TypeError('optimizer: { name } is one of SGD, Adam, AdamW, RMSprop');
    const keys = [], counts = [], values = [];
    for (const [k, v] of Object.entries(kwargs)) {
      const vs = Array.isArray(v) ? v : [v];
      if (!vs.every((x) => typeof x === 'number' || typeof x === 'boolean')) {
        throw new TypeError(`${name} ${k}: a number${k === 'betas' ? ' pair' : ' or a boolean'}, got ${JSON.stringify(v)}`);
      }
      keys.push(k);
      counts.push(vs.length);
      values.push(...vs.map(Number));
    }
    const M = this.#M;
    const p = M._malloc(8 * values.length + 4 * counts.length + 8);
    let r;
    try {
      M.HEAPF64.set(values, p / 8);
      M.HEAP32.set(counts, (p + 8 * values.length) / 4);
      r = JSON.parse(M.optimCreate(this.#id, name, keys.join(','), p + 8 * values.length, p, keys.length));
    } finally {
      M._free(p);
    }
    if (r.error !== undefined) throw new Error(r.error);
    return new Optimizer(M, r, this.#meta, () => this.#id >= 0);
  }

  free() {
    if (this.#id >= 0) this.#M.networkFree(this.#id);  // and its optimizers
    this.#id = -1;
  }
}

const LOSSES = ['CrossEntropyLoss', 'BCEWithLogitsLoss', 'MSELoss'];

/**
 * An optimizer made by net.optimizer(): its state (momentum buffers, moments, step count) on the
 * wasm heap; step() and run() train the network in place. free() releases it (net.free() does too).
 */
class Optimizer {
  #M;
  #id;
  #meta;
  #netLive;
  constructor(M, r, meta, netLive) {
    this.#M = M;
    this.#id = r.id;
    this.#meta = meta;
    this.#netLive = netLive;
    /** The keyword arguments in effect, torch's defaults filled in. */
    this.spec = Object.freeze(r.spec);
  }

  #live() {
    if (this.#id < 0 || !this.#netLive()) throw new Error('optimizer was freed');
  }

  // x [n × inputs] and its targets checked as torch would: the sizes, then the loss's target form.
  #data(x, target, { shape, loss }) {
    if (!LOSSES.includes(loss)) throw new Error(`unknown loss '${loss}': one of ${LOSSES.join(', ')}`);
    const xs = toF32(x, 'x');
    const { inputs, outputs } = this.#meta;
    const n = shape ? shape[0] : xs.length / inputs;
    if (!Number.isInteger(n) || n < 1 || (shape && (shape.length !== 2 || shape[1] !== inputs)) || n * inputs !== xs.length) {
      throw new Error(`mat1 and mat2 shapes cannot be multiplied (${shape ? shape.join('x') : `${xs.length} elements`} and ${inputs}x...)`);
    }
    const ts = toF32(target, 'target');
    if (loss === 'CrossEntropyLoss') {
      if (ts.length !== n) throw new Error(`Expected input batch_size (${n}) to match target batch_size (${ts.length}).`);
    } else if (ts.length !== n * outputs) {
      throw new Error(`Target size (torch.Size([${ts.length}])) must be the same as input size (torch.Size([${n}, ${outputs}]))`);
    }
    return { xs, ts, n };
  }

  // Copies x and target to the heap (one block), runs fn(xPtr, tPtr, extraPtr), frees the block.
  #withHeap(xs, ts, extraBytes, fn) {
    const M = this.#M;
    const p = M._malloc(4 * (xs.length + ts.length) + extraBytes + 4);
    try {
      M.HEAPF32.set(xs, p / 4);
      M.HEAPF32.set(ts, p / 4 + xs.length);
      return fn(p, p + 4 * xs.length, p + 4 * (xs.length + ts.length));
    } finally {
      M._free(p);
    }
  }

  /**
   * optimizer.zero_grad(); loss = loss_fn(net(x), target) [+ l1 · Σ|W| over the Linear weights];
   * loss.backward(); optimizer.step(). `target`: class indices (CrossEntropyLoss) or n × outputs
   * floats (BCEWithLogitsLoss, MSELoss). Returns loss.item().
   */
  step(x, target, { shape, loss = 'CrossEntropyLoss', l1 = 0 } = {}) {
    this.#live();
    const { xs, ts, n } = this.#data(x, target, { shape, loss });
    return this.#withHeap(xs, ts, 0, (px, pt) => {
      const err = this.#M.optimStep(this.#id, px, pt, n, loss, +l1);
      if (err) throw new Error(err);
      return this.#M.optimLoss(this.#id);
    });
  }

  /**
   * with torch.no_grad(): loss_fn(net(x), target), nothing updated (no L1 term): { loss (loss.item(), a float32), output }
   * (output: n × outputs). The network keeps this forward for net.stats() (its gradient figures NaN).
   */
  evaluate(x, target, { shape, loss = 'CrossEntropyLoss' } = {}) {
    this.#live();
    const { xs, ts, n } = this.#data(x, target, { shape, loss });
    return this.#withHeap(xs, ts, 0, (px, pt) => {
      const r = statsOf(this.#M.optimEvaluate(this.#id, px, pt, n, loss));
      // loss.item() of a float32 loss: the float32 value
      return { loss: Math.fround(r.value), output: this.#M.HEAPF32.slice(r.output.ptr / 4, r.output.ptr / 4 + r.output.n) };
    });
  }

  /**
   * `steps` steps over the dataset (x, target), `batchSize` rows at a time in torch.randperm's order
   * (0 or >= n: the whole dataset, no randperm); the epoch goes on across calls. The permutations come
   * from the network's generator (torch.manual_seed(seed) before it was built), or with `seed` from
   * a torch.Generator().manual_seed(seed) of the optimizer's own. Returns the losses, one per step.
   */
  run(x, target, { shape, loss = 'CrossEntropyLoss', l1 = 0, batchSize = 0, steps = 1, seed = -1 } = {}) {
    this.#live();
    if (!Number.isSafeInteger(steps) || steps < 0) throw new RangeError(`steps: a non-negative integer, got ${JSON.stringify(steps)}`);
    if (!Number.isSafeInteger(batchSize) || batchSize < 0) {
      throw new RangeError(`batch_size should be a positive integer value, but got batch_size=${JSON.stringify(batchSize)}`);
    }
    if (!Number.isSafeInteger(seed) || seed < -1) throw new TypeError(`seed must be a non-negative integer, got ${JSON.stringify(seed)}`);
    const { xs, ts, n } = this.#data(x, target, { shape, loss });
    return this.#withHeap(xs, ts, 4 * steps, (px, pt, pl) => {
      const err = this.#M.optimRun(this.#id, px, pt, n, loss, +l1, batchSize, steps, seed, pl);
      if (err) throw new Error(err);
      return this.#M.HEAPF32.slice(pl / 4, pl / 4 + steps);
    });
  }

  free() {
    if (this.#id >= 0 && this.#netLive()) this.#M.optimFree(this.#id);
    this.#id = -1;
  }
}

class HeapArray {
  #module;
  #ptr;
  #length;
  #raw;
  #freed = false;
  #view = null;
  constructor(module, ptr, length, raw) {
    this.#module = module;
    this.#ptr = ptr;
    this.#length = length;
    this.#raw = raw;
  }
  /** Byte address on the wasm heap. */
  get ptr() { return this.#ptr; }
  /** Number of floats. */
  get length() { return this.#length; }
  get freed() { return this.#freed; }
  /** The Emscripten module whose heap holds it (benchmarks call its raw exports). */
  get module() { return this.#module; }
  static moduleOf(h) { return h.#module; }
  /** A Float32Array view; re-created when the heap has grown (old views detach). */
  get array() {
    if (this.#freed) throw new Error('HeapArray was freed');
    // Heap growth detaches the old buffer, and a detached view has length 0 (cheaper to test
    // than comparing .buffer).
    if (!this.#view || (this.#view.length === 0 && this.#length > 0)) {
      this.#view = new Float32Array(this.#module.HEAPF32.buffer, this.#ptr, this.#length);
    }
    return this.#view;
  }
  free() {
    if (!this.#freed) this.#module._free(this.#raw);
    this.#freed = true;
    this.#view = null;
  }
}

// Kernels stream from one buffer into another. On x86 a load whose address equals, in its low
// 12 bits, a store still in flight waits for it ("4K aliasing"). So the buffers actlab lays out (scratch blocks, lab.alloc) start a quarter
// page apart modulo 4 KiB. staggered(start, ...3 or 4 byteSizes) -> [offset per buffer..., end]; a size
// of 0 is an absent buffer. `start` is 16-byte aligned, and so is every offset.
const QUARTER_PAGE = 1024;
const align16 = (bytes) => (bytes + 15) & ~15;
/** Bytes to add to `off` so that it lands on `target` modulo 4 KiB. */
const toPageOffset = (off, target) => ((target - off) % 4096 + 4096) % 4096;
const OFFSETS = [0, 0, 0, 0, 0];  // staggered()'s result, reused: read it before the next call
function staggered(start, s0, s1, s2, s3 = -1) {
  let off = start, k = 0;
  for (let i = 0; i < 4; i++) {
    const bytes = i === 0 ? s0 : i === 1 ? s1 : i === 2 ? s2 : s3;
    if (bytes < 0) break;
    OFFSETS[i] = off += bytes > 0 ? toPageOffset(off, start + k++ * QUARTER_PAGE) : 0;
    off += align16(bytes);
    OFFSETS[i + 1] = off;
  }
  return OFFSETS;
}

// `out` (torch's out=): a HeapArray (written in place, zero-copy) or the caller's own
// Float32Array (written by one copy, so no fresh array per call). Its length must match.
function checkOut(out, n, isHeap) {
  if (out == null) return;
  const ok = isHeap || out instanceof Float32Array;
  if (!ok || out.length !== n) {
    const got = ok ? `${out.length} elements` : out instanceof HeapArray ? 'a freed or foreign HeapArray' : Object.prototype.toString.call(out).slice(8, -1);
    throw new TypeError(`out must be a Float32Array or a HeapArray of ${n} floats, got ${got}`);
  }
}

function toF32(a, what) {
  if (a instanceof Float32Array) return a;
  if (Array.isArray(a) || ArrayBuffer.isView(a)) return Float32Array.from(a);
  throw new TypeError(`${what} must be a Float32Array or an array of numbers`);
}

// Params object -> one double per declared param (C++ validates ranges), plus PReLU weights.
// Called on every forward/backward, so it allocates nothing for number, bool, choice and dim
// params (allocation was most of a small call's cost).
const NO_PARAMS = Object.freeze({});
const NO_WEIGHT = new Float32Array(0);
// spec -> { names, defaults, packed }: built once per spec. `packed` is rewritten by every call
// that passes params; callers copy it to the heap right away.
const packing = new WeakMap();
function packingOf(spec) {
  let k = packing.get(spec);
  if (!k) {
    const n = spec.params.length;
    k = { names: new Set(spec.params.map((p) => p.name)), defaults: null, packed: { values: new Float64Array(n), weight: NO_WEIGHT, isDefault: false } };
    // isDefault: the C++ side may use its own copy of these (same table, same values).
    k.defaults = pack(spec, NO_PARAMS, { values: new Float64Array(n), weight: NO_WEIGHT, isDefault: true });
    packing.set(spec, k);
  }
  return k;
}
// `k`: packingOf(spec), which built-ins keep beside their spec (no WeakMap lookup per call).
function packParams(spec, params, k = packingOf(spec)) {
  if (params == null || typeof params !== 'object') throw new TypeError('params must be an object');
  let any = false;
  for (const key in params) {
    any = true;
    if (!k.names.has(key)) {
      const allowed = spec.params.map((p) => p.name).join(', ') || 'none';
      throw new Error(`${spec.name}.__init__() got an unexpected keyword argument '${key}' (parameters: ${allowed})`);
    }
  }
  return any ? pack(spec, params, k.packed) : k.defaults;
}

function badParam(spec, p, v, what) {
  return new TypeError(`${spec.name}: ${p.name} must be ${what}, got ${JSON.stringify(v) ?? String(v)}`);
}
// Fills `into` ({ values, weight }) and returns it.
function pack(spec, params, into) {
  const values = into.values;
  into.weight = NO_WEIGHT;
  for (let i = 0; i < spec.params.length; i++) {
    const p = spec.params[i];
    const v = Object.hasOwn(params, p.name) ? params[p.name] : p.default;
    switch (p.kind) {
      case 'choice': {
        const k = p.choices.indexOf(v);
        // PyTorch's wording (GELU: "approximate argument must be either none or tanh.").
        if (k < 0) throw new Error(`${p.name} argument must be either ${p.choices.join(' or ')}. (${spec.name} got ${JSON.stringify(v) ?? String(v)})`);
        values[i] = k;
        break;
      }
      case 'bool':
        if (typeof v !== 'boolean') throw badParam(spec, p, v, 'true or false');
        values[i] = v ? 1 : 0;
        break;
      case 'dim':
        if (v === null && p.default === null) values[i] = NaN;
        else if (!Number.isInteger(v)) throw badParam(spec, p, v, 'an integer');
        else values[i] = v;
        break;
      case 'weight': {
        const w = typeof v === 'number' ? [v] : Array.isArray(v) || ArrayBuffer.isView(v) ? Array.from(v) : null;
        if (!w || w.length === 0 || !w.every((u) => typeof u === 'number' && Number.isFinite(u))) {
          throw badParam(spec, p, v, 'a finite number or a non-empty array of finite numbers');
        }
        into.weight = new Float32Array(w);
        values[i] = w[0];
        break;
      }
      default:
        if (typeof v !== 'number') throw badParam(spec, p, v, 'a number');
        values[i] = v;
    }
  }
  return into;
}

// A feature list -> 'x1,x2,...' for C++, which names an unknown one.
function featureList(names) {
  if (!Array.isArray(names) || names.some((f) => typeof f !== 'string' || f.includes(','))) {
    throw new TypeError(`features must be an array of names, got ${JSON.stringify(names)}`);
  }
  return names.join(',');
}

function deepFreeze(o) {
  if (o && typeof o === 'object') {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

