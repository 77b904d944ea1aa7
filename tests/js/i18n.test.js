// Every UI language has every string: the UI tables, a label per function family of the C++
// table, every data-i18n key the pages use, and a notes file; t() refuses keys no table has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { loadActlab } from '../../web/lib/actlab.js';
import { LANGUAGES, preferredLanguage } from '../../web/lib/languages.js';
import { catalog, t } from '../../web/ui/i18n.js';

const lab = await loadActlab();
const codes = Object.keys(LANGUAGES);

test('one language list: string tables and notes files match it', () => {
  assert.deepEqual(Object.keys(catalog).sort(), [...codes].sort());
  const notes = readdirSync(new URL('../../web/ui/notes/', import.meta.url)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  assert.deepEqual(notes.sort(), [...codes].sort());
});

test('every language has every UI string, of the same kind', () => {
  const keys = new Set(codes.flatMap((c) => Object.keys(catalog[c])));
  for (const c of codes) {
    for (const k of keys) {
      assert.ok(Object.hasOwn(catalog[c], k), `${c} lacks '${k}'`);
      assert.equal(typeof catalog[c][k], typeof catalog.en[k], `${c}.${k}`);
    }
  }
});

test('every function family and every data-i18n key of the pages has a string', () => {
  const families = new Set([...lab.functions.map((f) => f.family), 'custom']);
  for (const f of families) for (const c of codes) assert.ok(Object.hasOwn(catalog[c], `family_${f}`), `${c}: family_${f}`);
  for (const page of ['index.html', 'embed.html']) {
    const html = readFileSync(new URL(`../../web/${page}`, import.meta.url), 'utf8');
    for (const [, key] of html.matchAll(/data-i18n(?:-placeholder|-label)?="([^"]+)"/g)) {
      for (const c of codes) assert.ok(Object.hasOwn(catalog[c], key), `${page}: ${c} lacks '${key}'`);
    }
  }
});

test('t() throws on a key no table has; the browser language picks the UI language', () => {
  assert.throws(() => t('en', 'noSuchString'), /no UI string 'noSuchString'/);
  assert.equal(t('zh', 'copyLink'), catalog.zh.copyLink);
  assert.equal(preferredLanguage('zh-CN'), 'zh');
  assert.equal(preferredLanguage('ZH'), 'zh');
  assert.equal(preferredLanguage('fr-FR'), 'en');
  assert.equal(preferredLanguage(undefined), 'en');
  assert.equal(preferredLanguage('zhx'), 'en');
});
