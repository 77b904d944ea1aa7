// TensorParseError and the console's limits, shared by every module of the tensor parser.

import { formatParseError } from '../caret.js';

export { formatParseError };
export const MAX_DIMS = 6;
export const MAX_DEPTH = 64;

export class TensorParseError extends Error {
  /**
   * @param {string} message  torch's/Python's wording where they have one
   * @param {number} pos      0-based offset of the offending character
   * @param {string} [pyType] the exception real torch/Python raises for the same input (ValueError,
   *   TypeError, RuntimeError, NameError, SyntaxError, ...); 'NotSupported' for what torch accepts
   *   but this console does not; 'LimitExceeded' for the console's element and nesting limits.
   */
  constructor(message, pos, pyType = 'SyntaxError') {
    super(message);
    this.name = 'TensorParseError';
    this.pos = pos;
    this.pyType = pyType;
  }

  caretMessage(text) {
    return formatParseError(text, this);
  }
}

export const fail = (message, pos, pyType) => {
  throw new TensorParseError(message, pos, pyType);
};
