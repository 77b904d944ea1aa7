// Types for `import … from 'actlab'` (lib/actlab.js, built from web/lib/index.js). The API is
// documented in the package's README; names and defaults are PyTorch's (torch 1.13, CPU, float32).

/** The package's version, as in its package.json. */
export const version: string;

export interface LoadOptions {
  /** Force one build (benchmarks, tests); by default SIMD128 where the engine supports it. */
  simd?: boolean;
  /** Load the build with the custom-expression engine, the depth lab and the training lab (~50 KB gzip more). */
  expr?: boolean;
}

/** Loads the wasm build (fetched next to the module in browsers, read from disk in Node). */
export function loadActlab(options?: LoadOptions): Promise<Actlab>;

/** Another build of the same bindings (the benchmark build): its Emscripten factory and .wasm URL. */
export function loadActlabBuild(factory: (opts: object) => Promise<unknown>, wasmUrl: URL): Promise<{ lab: Actlab; module: unknown }>;

export type ParamValue = number | boolean | string | number[] | Float32Array;
export type Params = Record<string, ParamValue>;

export interface ParamSpec {
  /** PyTorch's keyword name. */
  name: string;
  kind: 'number' | 'int' | 'bool' | 'choice' | 'dim' | 'weight';
  default: ParamValue | null;
  min?: number;
  max?: number;
  /** Slider range. */
  lo?: number;
  hi?: number;
  torch?: string;
  /** A bool that is a mode, not a keyword: the Python for false and for true (RReLU: f.eval(), f.train()). */
  modeCode?: [string, string];
  /** dim=None: the dim torch picks, by the input's number of dimensions. */
  implicitDim?: number[];
  choices?: string[];
  doc: string;
}

export interface FunctionSpec {
  /** The PyTorch module class name, e.g. 'GELU'. */
  name: string;
  module: string;
  family: string;
  functional?: string;
  params: ParamSpec[];
  dimwise: boolean;
  halves: boolean;
  indexKeyed?: boolean;
  activatedHalf?: string;
  fixedDim?: boolean;
  torchCtor?: string;
  torchDef?: string;
  latex: string;
  dlatex: string;
  range: string;
  /** Where torch's derivative is one-sided, at the default parameters (lab.kinks() for others). */
  kinks: number[];
  /** Compiled custom functions only. */
  custom?: boolean;
  source?: string;
  canonical?: string | null;
  classes?: string[];
  cls?: string;
  prints?: { line: number; text: string; note: string }[];
}

export interface Limits {
  exprChars: number;
  exprDepth: number;
  exprNodes: number;
  exprParams: number;
  /** Largest wasm heap, in bytes. */
  heapMax: number;
}

/** A Float32Array on the wasm heap (lab.alloc): pass it, or its .array, with no copy made. */
export interface HeapArray {
  readonly ptr: number;
  readonly length: number;
  readonly freed: boolean;
  /** A view that survives heap growth (re-created when the heap grows). */
  readonly array: Float32Array;
  free(): void;
}

export type Input = Float32Array | ArrayLike<number> | HeapArray;

export interface CallOptions {
  params?: Params;
  /** Required for dim-wise functions (Softmax, GLU, …). */
  shape?: number[];
  /** torch's out=: receives the result and is returned. */
  out?: Float32Array | HeapArray | null;
  /** RReLU: training mode, one slope per negative element drawn with `seed`. */
  training?: boolean;
  seed?: number;
}

export interface EvaluateOptions extends CallOptions {
  dout?: Float32Array | HeapArray | null;
}

export interface CompileOptions {
  /** The name forward/backward/evaluate take afterwards (default 'Custom'). */
  name?: string;
  /** One class of several in a pasted program. */
  cls?: string;
}

export type InitSpec =
  | 'default'
  | { name: 'default' | 'zeros_' | 'lecun_normal_' }
  | { name: 'xavier_uniform_' | 'xavier_normal_'; gain?: number }
  | { name: 'kaiming_uniform_' | 'kaiming_normal_'; a?: number; mode?: 'fan_in' | 'fan_out'; nonlinearity?: string }
  | { name: 'normal_'; mean?: number; std?: number }
  | { name: 'uniform_'; a?: number; b?: number };

export type BiasSpec = 'default' | { name: 'default' | 'zeros_' } | { name: 'constant_'; val: number };

export interface NetworkConfig {
  inputs: number;
  /** Hidden layer widths, 1 to 100 layers. */
  hidden: number[];
  outputs: number;
  activation?: { name: string; params?: Params };
  /** One per hidden layer, in place of `activation`. */
  activations?: { name: string; params?: Params }[] | null;
  init?: InitSpec;
  bias?: BiasSpec;
  seed?: number;
}

export interface Histogram { lo: number; hi: number; counts: number[]; zeros: number; nonFinite: number; n: number }

export interface LayerStats {
  preMean: number; preStd: number; postMean: number; postStd: number;
  gradMean: number; gradStd: number; gradNorm: number; saturated: number; dead: number;
  hist?: { pre: Histogram; post: Histogram; grad: Histogram };
}

export interface NetworkStats {
  layers: LayerStats[];
  linear: { wNorm: number; wGradNorm: number; ratio: number }[];
}

export type NetworkLoss = 'sum' | 'mse' | 'cross_entropy';

export interface Network {
  /** As nn.Sequential(...).named_parameters(). */
  parameters(): { name: string; shape: number[]; data: Float32Array }[];
  /** torch.randn(batch, inputs) * std, or (torch.rand(...) - 0.5) * (2 * std), from the network's generator. */
  input(batch: number, options?: { dist?: 'randn' | 'rand'; std?: number }): Float32Array;
  forward(x: Float32Array | ArrayLike<number>, options?: { shape?: [number, number] }): { layers: { pre: Float32Array; post: Float32Array }[]; output: Float32Array };
  loss(kind?: NetworkLoss): { value: number; gradOutput: Float32Array };
  backward(gradOutput: Float32Array | ArrayLike<number>): {
    layers: { gradPost: Float32Array; gradPre: Float32Array }[];
    gradInput: Float32Array;
    params: { name: string; grad: Float32Array }[];
  };
  stats(options?: { eps?: number; bins?: number }): NetworkStats;
  run(options: {
    batch: number; dist?: 'randn' | 'rand'; std?: number; loss?: NetworkLoss; eps?: number; bins?: number;
    onProgress?: ((p: { phase: 'forward' | 'backward' | 'stats'; index: number; count: number }) => void) | null;
  }): { loss: number; stats: NetworkStats };
  /** torch.optim.<name>(net.parameters(), **kwargs), torch's keyword names and defaults. */
  optimizer(spec: OptimizerSpec): Optimizer;
  free(): void;
}

export type OptimizerSpec =
  | { name: 'SGD'; lr?: number; momentum?: number; dampening?: number; weight_decay?: number; nesterov?: boolean; maximize?: boolean }
  | { name: 'Adam' | 'AdamW'; lr?: number; betas?: [number, number]; eps?: number; weight_decay?: number; amsgrad?: boolean; maximize?: boolean }
  | { name: 'RMSprop'; lr?: number; alpha?: number; eps?: number; weight_decay?: number; momentum?: number; centered?: boolean; maximize?: boolean };

export type TrainLoss = 'CrossEntropyLoss' | 'BCEWithLogitsLoss' | 'MSELoss';
/** Class indices (CrossEntropyLoss) or n × outputs floats. */
export type Target = Int32Array | Float32Array | ArrayLike<number>;

export interface Optimizer {
  /** The optimizer with every default filled in. */
  readonly spec: Readonly<Record<string, unknown> & { name: string }>;
  /** zero_grad, forward, loss, backward, step: returns loss.item(). */
  step(x: Float32Array | ArrayLike<number>, target: Target, options?: { shape?: [number, number]; loss?: TrainLoss; l1?: number }): number;
  /** Under torch.no_grad(): the loss and the outputs, nothing updated. */
  evaluate(x: Float32Array | ArrayLike<number>, target: Target, options?: { shape?: [number, number]; loss?: TrainLoss }): { loss: number; output: Float32Array };
  /** `steps` steps in torch.randperm's batch order: one loss per step. */
  run(x: Float32Array | ArrayLike<number>, target: Target, options?: {
    shape?: [number, number]; loss?: TrainLoss; l1?: number; batchSize?: number; steps?: number; seed?: number;
  }): Float32Array;
  free(): void;
}

export interface DatasetPart {
  /** rows × features */
  x: Float32Array;
  /** rows × 2 */
  points: Float32Array;
  /** Labels 0..classes-1 (classification) or targets (regression). */
  y: Int32Array | Float32Array;
  shape: [number, number];
}

export interface Dataset {
  train: DatasetPart;
  test: DatasetPart;
  classes: number;
  classValues?: number[];
  task: 'classification' | 'regression';
  features: string[];
}

export interface DatasetInfo {
  names: string[];
  features: string[];
  maxN: number;
  maxRows: number;
  maxBytes: number;
  maxLine: number;
  maxClasses: number;
}

export interface Actlab {
  /** The package's version (package.json's). */
  readonly version: string;
  /** true when the SIMD128 build runs. */
  readonly simd: boolean;
  /** true when loaded with { expr: true }: compile, network, datasets. */
  readonly hasExpr: boolean;
  /** One entry per built-in function, straight from the C++ table. */
  readonly functions: readonly FunctionSpec[];
  readonly limits: Limits;

  /** y = f(x). */
  forward(name: string, x: Input, options?: CallOptions): Float32Array;
  /** torch.autograd.grad(f(x), x, gradOutput). */
  backward(name: string, x: Input, gradOutput: Input, options?: CallOptions): Float32Array;
  /** f(x) and f′(x) together. */
  evaluate(name: string, x: Input, options?: EvaluateOptions): { f: Float32Array; df: Float32Array };
  /** Where torch's derivative is one-sided, for these params. */
  kinks(name: string, params?: Params): number[];
  /** The spec of a built-in or compiled custom function. */
  spec(name: string): FunctionSpec;
  /** A buffer of n floats on the wasm heap. */
  alloc(n: number): HeapArray;
  /** Bytes malloc'd inside the wasm heap now. */
  heapInUse(): number;
  readonly heapSize: number;

  /** A custom activation in PyTorch syntax; throws a SyntaxError with `.pos` (a UTF-16 offset). Needs { expr: true }. */
  compile(source: string, options?: CompileOptions): FunctionSpec;
  /** Forget a compiled custom function. */
  release(name: string): void;

  /** nn.Sequential(Linear, act, …, Linear) as torch builds it after torch.manual_seed(seed). Needs { expr: true }. */
  network(config: NetworkConfig): Network;
  /** The training lab's datasets and features. Needs { expr: true }. */
  readonly datasets: DatasetInfo;
  dataset(options: { name: string; n?: number; noise?: number; ratio?: number; seed?: number; classes?: number; features?: string[] }): Dataset;
  /** x1,x2,label or x1,x2,y rows; an Error naming each bad line (.errors, .more). */
  parseCsv(text: string, options?: { ratio?: number; seed?: number; features?: string[] }): Dataset;
  /** The feature columns of points (n × 2): n × names.length. */
  features(points: Float32Array | ArrayLike<number>, names: string[]): Float32Array;
}

// The console's tensor parser and printer (web/lib/tensor.js).

export type DType = 'float32' | 'int64' | 'bool';

export interface Tensor {
  shape: number[];
  /** float32: Float32Array; int64: Float64Array of exact integers; bool: Uint8Array of 0/1. */
  data: Float32Array | Float64Array | Uint8Array;
  dtype?: DType;
  /** Present when rand/randn used the default seed. */
  seed?: number;
}

export interface ParseOptions {
  /** Largest tensor accepted, checked before allocation (default 1,000,000). */
  maxElements?: number;
  /** torch's intra-op thread count to mimic for arange/linspace above 32,768 elements (default 1). */
  threads?: number;
  /** What rand/randn use before any torch.manual_seed (else they are an error). */
  seed?: number | (() => number) | null;
}

/** PyTorch tensor syntax (`[[1, 2], [3, 4]]`, `torch.manual_seed(0); torch.randn(2, 3)`) to a tensor. */
export function parseTensor(text: string, options?: ParseOptions): Tensor & { dtype: DType };

export interface FormatOptions {
  precision?: number;
  threshold?: number;
  edgeitems?: number;
  linewidth?: number;
  sciMode?: boolean | null;
  /** Appended as torch appends its own, e.g. ['requires_grad=True']. */
  suffixes?: string[];
}

/** str(t) as torch 1.13 prints it. */
export function formatTensor(t: { shape: number[]; data: ArrayLike<number>; dtype?: DType }, options?: FormatOptions): string;

export class TensorParseError extends Error {
  constructor(message: string, pos: number, pyType?: string);
  /** 0-based offset of the offending character. */
  pos: number;
  /** The exception torch/Python raises for the same input, 'NotSupported' or 'LimitExceeded'. */
  pyType: string;
}

/** The error's line with a caret under its position. */
export function formatParseError(text: string, err: TensorParseError): string;

export const MAX_DIMS: number;
export const MAX_DEPTH: number;
