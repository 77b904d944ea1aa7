// Tensor console core: parse PyTorch tensor syntax, print tensors exactly like torch 1.13.
//
//   parseTensor(text, { maxElements, threads }) -> { shape, data, dtype }
//   formatTensor({ shape, data, dtype }, options) -> the string torch 1.13's print(t) shows
//
// dtype and data:
//   'float32' -> Float32Array
//   'int64'   -> Float64Array of exact integers (|n| <= 2^53; larger literals are refused)
//   'bool'    -> Uint8Array of 0/1 (torch.tensor([True, False]) is a bool tensor and prints as one)
//
// The input is a small Python subset evaluated left to right, statement by statement (';' or
// newline): nested lists/tuples, torch.tensor, factories (zeros, ones, full, arange, linspace, rand,
// randn), torch.manual_seed, .reshape/.view/.float, float('inf'), math/torch constants, scalar
// + - * / **, assignments `x = ...`, `import torch`. The last statement is the result. Values follow
// torch's CPU kernels bit for bit, including its mt19937 generator (rand and randn need an
// explicit torch.manual_seed first), the AVX2 Box-Muller kernel of randn and the FMA contractions
// GCC made in Debian's build (verified against the real library, see tests/fixtures/print.json).
//
// Every failure is a TensorParseError with .pos (0-based offset of the offending character);
// formatParseError(text, err) renders the line with a caret. Parsing is linear in the text,
// nesting is limited to MAX_DEPTH and element counts are checked before anything is allocated.
//
// The modules, in web/lib/tensor/ (imports point one way: lexer <- parser -> factories -> rng):
//   errors.js     TensorParseError, MAX_DIMS, MAX_DEPTH
//   lexer.js      Python tokens, one at a time
//   parser.js     statements and expressions; parseTensor
//   fastpath.js   JSON.parse for long plain literals, before the parser
//   factories.js  torch.tensor/zeros/ones/full/arange/linspace/rand/randn/manual_seed, float()
//   ops.js        + - * / ** and .reshape/.view/.float
//   values.js     the parser's values (scalars, list nodes, tensors)
//   rng.js        torch's mt19937 and randn kernels;  float32.js  FMA/float32 arithmetic, arange/linspace
//   printer.js    formatTensor

export { TensorParseError, formatParseError, MAX_DIMS, MAX_DEPTH } from './tensor/errors.js';
export { parseTensor } from './tensor/parser.js';
export { formatTensor } from './tensor/printer.js';
