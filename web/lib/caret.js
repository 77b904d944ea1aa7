// An error at a character offset, rendered as the message, the offending line and a caret under
// the column. Shared by the tensor parser (console) and the custom-expression box; no
// dependencies, so the page can show expression errors without loading the tensor module.

/**
 * "message (line L, column C)", then the offending line (a window of it when long) and a caret.
 * @param {string} text
 * @param {{message: string, pos?: number}} err
 */
export function formatParseError(text, err) {
  const pos = Math.max(0, Math.min(Number.isInteger(err.pos) ? err.pos : 0, text.length));
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  let lineEnd = text.indexOf('\n', pos);
  if (lineEnd < 0) lineEnd = text.length;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
  const col = pos - lineStart;
  // Show at most ~100 characters around the caret so a 10 MB single-line input stays readable.
  const WIDTH = 100;
  let from = lineStart;
  let to = lineEnd;
  if (to - from > WIDTH) {
    from = Math.max(lineStart, pos - WIDTH / 2);
    to = Math.min(lineEnd, from + WIDTH);
    from = Math.max(lineStart, Math.min(from, to - WIDTH));
  }
  const head = from > lineStart ? '…' : '';
  const tail = to < lineEnd ? '…' : '';
  const shown = text.slice(from, to).replace(/\r$/, '');
  // Keep tabs in the caret line so the caret lines up under tab-indented text.
  const pad = head.replace(/./g, ' ') + text.slice(from, pos).replace(/[^\t]/g, ' ');
  return `${err.message} (line ${line}, column ${col + 1})\n${head}${shown}${tail}\n${pad}^`;
}
