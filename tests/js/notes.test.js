// Every function in the C++ table has a Learn note in each UI language, with the same fields,
// and nothing else (a renamed function must not leave a stale note behind).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadActlab } from '../../web/lib/actlab.js';
import { LANGUAGES } from '../../web/lib/languages.js';

const lab = await loadActlab();
const names = lab.functions.map((f) => f.name).sort();
const FIELDS = ['derivative', 'strengths', 'summary', 'use', 'weaknesses'];

for (const lang of Object.keys(LANGUAGES)) {
  test(`notes/${lang}.json covers exactly the function table`, () => {
    const notes = JSON.parse(readFileSync(new URL(`../../web/ui/notes/${lang}.json`, import.meta.url)));
    assert.deepEqual(Object.keys(notes).sort(), names);
    for (const [name, n] of Object.entries(notes)) {
      assert.deepEqual(Object.keys(n).sort(), FIELDS, name);
      for (const k of ['summary', 'use', 'derivative']) assert.ok(typeof n[k] === 'string' && n[k].length > 5, `${name}.${k}`);
      for (const k of ['strengths', 'weaknesses']) assert.ok(n[k].length >= 2 && n[k].every((s) => typeof s === 'string' && s.length > 3), `${name}.${k}`);
      assert.doesNotMatch(JSON.stringify(n), /<[a-z/]/i, `${name}: plain text only`);
    }
  });
}
