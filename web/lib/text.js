// Text measures shared by the API and the link codec: the expression compiler counts and
// positions in code points; JS strings and text boxes in UTF-16 units.

/** Code points in a string: the unit of the expression compiler's limits and positions. */
export function codePoints(s) {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) { n--; i++; }
    }
  }
  return n;
}

/** The UTF-16 offset of code point `cp` (clamped to the string). */
export function utf16Offset(s, cp) {
  let i = 0;
  for (let k = 0; k < cp && i < s.length; k++) {
    const c = s.charCodeAt(i);
    const d = s.charCodeAt(i + 1);
    i += c >= 0xd800 && c < 0xdc00 && d >= 0xdc00 && d < 0xe000 ? 2 : 1;
  }
  return i;
}
