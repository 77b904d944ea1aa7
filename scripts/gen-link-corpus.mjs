// Writes tests/fixtures/links-v<LINK_VERSION>.json: share links made by this version of actlab and
// the state each decodes to. tests/js/links.test.js holds every later version to them: an old
// link must keep showing what it showed. A corpus is written once, when its version is new, and
// never regenerated (it would then only test a version against itself):
//   node scripts/gen-link-corpus.mjs            (refuses if the file exists)
// Every function with each of its parameters off its default, every fixed field, the depth and
// training labs' configs, and 200 seeded random states of every field at once.
import { existsSync, writeFileSync } from 'node:fs';
import { loadActlab } from '../web/lib/actlab.js';
import { createCodec, LINK_VERSION } from '../web/lib/state.js';
import { rand, randState, randParams } from '../tests/js/random-state.js';

const out = `tests/fixtures/links-v${LINK_VERSION}.json`;
if (existsSync(out)) {
  console.error(`${out} exists: a corpus is made once, by the version it is named after`);
  process.exit(1);
}
const lab = await loadActlab();
const codec = createCodec(lab.functions, { limits: lab.limits });
const D = codec.defaults;
const r = rand(20261205);
const states = [];
const with_ = (patch) => ({ ...structuredClone(D), ...patch });

// every function, each parameter on its own away from its default
for (const f of lab.functions) {
  states.push(with_({ fn: f.name }));
  for (const p of f.params) {
    for (let tries = 0; tries < 50; tries++) {
      const v = randParams(r, { ...f, params: [p] })[p.name];
      if (v === undefined) continue;
      states.push(with_({ fn: f.name, params: { [f.name]: { [p.name]: v } } }));
      break;
    }
  }
}
// every field at once, many times over
for (let i = 0; i < 200; i++) states.push(randState(r, lab.functions, D));

const links = [];
for (const s of states) {
  const hash = codec.encode(s);
  const { state, notices } = codec.decode(hash);
  if (notices.length) throw new Error(`gen-link-corpus: ${hash} decodes with notices: ${notices.join('; ')}`);
  links.push({ hash, state });
}
// JSON has no -0 (a parameter may be -0.0, as in torch): it is written {"-0": true}, which no schema
// key or parameter name can be, and links.test.js reads it back.
const negZero = (k, v) => (Object.is(v, -0) ? { '-0': true } : v);
writeFileSync(out, `${JSON.stringify({ version: LINK_VERSION, made: new Date().toISOString().slice(0, 10), links }, negZero)}\n`);
console.log(`wrote ${out}: ${links.length} links`);
