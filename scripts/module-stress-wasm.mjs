// The class-shaped stress on the product's wasm build (tests/js/module-stress.js): N inputs of
// tests/fuzz/module_gen.hpp (default 100,000) through loadActlab({ expr: true }) in node.
//   node scripts/module-stress-wasm.mjs [--n N] [--seed S] [--start K] [--json TARGET]
// The summary goes to stderr; --json prints one line for build/fuzz/report.jsonl on stdout.
// Exits 1 on a failure (trap, abort, non-Error) or a leak.
import { parseArgs } from 'node:util';
import { loadActlab } from '../web/lib/actlab.js';
import { DEFAULT_SEED, stressWasm } from '../tests/js/module-stress.js';

const { values: a } = parseArgs({ options: { n: { type: 'string', default: '100000' }, seed: { type: 'string', default: String(DEFAULT_SEED) }, start: { type: 'string', default: '0' }, json: { type: 'string' } } });
const n = Number(a.n), seed = Number(a.seed), start = Number(a.start);
const load = () => loadActlab({ expr: true });
const lab = await load();
const r = await stressWasm(lab, {
  n, seed, start, reload: load,
  onProgress: (k, s) => console.error(`module-stress-wasm: ${k} inputs, ${s.compiled} compiled, max ${s.maxMs.toFixed(2)} ms`),
});
const top = [...r.errors].sort((x, y) => y[1] - x[1]).slice(0, 10);
console.error(`module-stress-wasm (${lab.simd ? 'SIMD128' : 'scalar'} build, seed ${seed}): ${n} inputs in ${r.seconds.toFixed(1)} s, ${r.compiled} compiled`);
console.error(`  time per input: max ${r.maxMs.toFixed(2)} ms (input ${r.slowest?.i}, ${r.slowest?.kind}), mean ${r.meanMs.toFixed(3)} ms, ${r.over100ms} over 100 ms`);
console.error(`  slowest input starts: ${r.slowest?.head}`);
console.error(`  heap: ${r.heapGrowth >= 0 ? '+' : ''}${r.heapGrowth} bytes over the inputs after the warm-up; ${r.once} grew it once, ${r.leaks.length} on every run`);
for (const l of r.leaks.slice(0, 5)) console.error(`  leak: input ${l.i} (${l.kind}) grows the heap by ${l.bytes} bytes: ${l.head}`);
for (const f of r.failures.slice(0, 10)) console.error(`  FAILURE: input ${f.i} (${f.kind}): ${f.error}: ${f.head}`);
console.error('  most frequent compile errors:');
for (const [k, c] of top) console.error(`    ${String(c).padStart(7)}  ${k}`);
if (a.json) {
  const failures = [...r.failures.map((f) => `${f.error} on input ${f.i}`), ...r.leaks.map((l) => `leak on input ${l.i}`)];
  console.log(JSON.stringify({
    target: a.json, kind: 'stress', build: `wasm ${lab.simd ? 'simd' : 'scalar'}`, seed, inputs: n, compiled: r.compiled,
    seconds: Number(r.seconds.toFixed(1)), maxMs: Number(r.maxMs.toFixed(2)), meanMs: Number(r.meanMs.toFixed(4)), over100ms: r.over100ms,
    slowest: r.slowest && { ...r.slowest, head: JSON.parse(r.slowest.head) }, heapGrowth: r.heapGrowth, leaks: r.leaks.length,
    failures: failures.slice(0, 3).join('; '), date: new Date().toISOString().slice(0, 10),
  }));
}
process.exitCode = r.failures.length || r.leaks.length ? 1 : 0;
