// The seed for rand/randn typed without torch.manual_seed: drawn from the text itself (FNV-1a),
// so the same input gives the same numbers on every visit and link; the console shows which.
export function seedFor(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 10000;
}
