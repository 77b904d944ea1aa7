// Property fuzzing helpers: a seeded generator, and the iteration count (FUZZ_N=<n> runs long).
export const fuzzN = (quick) => Number(process.env.FUZZ_N) || quick;

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
