// The npm package's entry (`import … from 'actlab'`): the engine's API and the console's tensor
// parser and printer, which live in two modules so the site's first chunk carries no parser.
export { loadActlab, loadActlabBuild } from './actlab.js';
export { parseTensor, formatTensor, TensorParseError, formatParseError, MAX_DIMS, MAX_DEPTH } from './tensor.js';
export { version } from './version.js';
