// Links that last: every link in tests/fixtures/links-v*.json (made by that version, see
// scripts/gen-link-corpus.mjs) decodes to the state it decoded to when it was made, in this
// version and every later one; the link version and its migrations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { loadActlab } from '../../web/lib/actlab.js';
import { createCodec, LINK_VERSION } from '../../web/lib/state.js';
import { decodeLink } from '../../web/ui/custom.js';

const lab = await loadActlab();
const codec = createCodec(lab.functions, { limits: lab.limits });
const dir = new URL('../fixtures/', import.meta.url);
// {"-0": true} is how the corpus writes -0 (JSON has none).
const negZero = (k, v) => (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && v['-0'] === true ? -0 : v);
const corpora = readdirSync(dir).filter((f) => /^links-v\d+\.json$/.test(f)).map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8'), negZero));

// What a state held then must hold now; fields added since (objects' new keys) are not compared.
function holds(now, then, path) {
  if (then !== null && typeof then === 'object' && !Array.isArray(then)) {
    assert.ok(now !== null && typeof now === 'object', `${path}: an object then`);
    for (const k of Object.keys(then)) holds(now[k], then[k], `${path}.${k}`);
    return;
  }
  assert.deepEqual(now, then, path);
}

test('a corpus for every link version so far, the current one included', () => {
  const versions = corpora.map((c) => c.version).sort((a, b) => a - b);
  assert.deepEqual(versions, Array.from({ length: LINK_VERSION }, (_, i) => i + 1));
  for (const c of corpora) assert.ok(c.links.length > 200, `v${c.version}: ${c.links.length} links`);
});

test('every link of every version decodes to the state it showed when it was made', () => {
  for (const c of corpora) {
    const fns = new Set();
    for (const { hash, state } of c.links) {
      const r = codec.decode(hash);
      assert.deepEqual(r.notices, [], hash.slice(0, 200));
      holds(r.state, state, `v${c.version} #${hash.slice(0, 80)}`);
      fns.add(state.fn);
    }
    // the corpus covers every function of its version that still exists
    for (const f of lab.functions) assert.ok(fns.has(f.name), `v${c.version} has no link to ${f.name}`);
  }
});

test('the page and <actlab-plot> read old links the same way (decodeLink, the one path both take)', () => {
  for (const c of corpora) {
    for (const { hash, state } of c.links.filter((l) => !l.state.expr).slice(0, 150)) {
      const r = decodeLink(lab, hash, {});
      assert.deepEqual(r.notices, []);
      holds(r.state, state, `#${hash.slice(0, 80)}`);
    }
  }
});

test('link versions: absent is 1; a newer one says so; a bad one is ignored; migrations run from the link\'s version on', () => {
  assert.doesNotMatch(codec.encode({ ...structuredClone(codec.defaults), fn: 'ELU' }), /(^|&)v=/, 'version 1 stays unwritten');
  assert.deepEqual(codec.decode('v=1&fn=ELU'), codec.decode('fn=ELU'));
  assert.match(codec.decode(`v=${LINK_VERSION + 1}&fn=ELU`).notices[0], new RegExp(`made by a newer actlab \\(link version ${LINK_VERSION + 1}; this is ${LINK_VERSION}\\)`));
  assert.equal(codec.decode(`v=${LINK_VERSION + 1}&fn=ELU`).state.fn, 'ELU');
  assert.deepEqual(codec.decode('v=abc&fn=ELU').notices, ['Ignored v="abc": expected a link version (an integer from 1)']);
  // A version 2 that renamed `shade` to `shading` and changed eps's default: its migration turns a
  // version-1 link into what it meant; its own links carry v=2.
  const migrations = [{
    to: 2,
    migrate(pairs) {
      if (pairs.has('shade')) { pairs.set('shading', pairs.get('shade')); pairs.delete('shade'); }
      if (!pairs.has('eps')) pairs.set('eps', '0.001');  // the old default, written out
    },
  }];
  const v2 = createCodec(lab.functions, { limits: lab.limits, version: 2, migrations });
  const old = v2.decode('shade=true&fn=ELU');
  assert.equal(old.state.eps, 0.001);
  assert.deepEqual(old.notices, ['Ignored unknown key "shading"'], 'this test codec has no `shading` field: the migration ran');
  assert.match(v2.encode({ ...structuredClone(v2.defaults), fn: 'ELU' }), /^v=2&fn=ELU$/);
  assert.deepEqual(v2.decode('v=2&shade=true').state.shade, true, 'a version-2 link is not migrated');
});
