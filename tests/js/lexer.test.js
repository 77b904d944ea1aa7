// The tensor console's lexer (web/lib/tensor/lexer.js) against tests/fixtures/lexer-corpus.json,
// the corpus tests/cpp/test_lexer.cpp runs the expression language's lexer on: tokens (kind,
// text, start, a number's value) or the first error (message, position), positions in code points.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Lexer, T_EOF, T_NUM, T_NAME, T_STR, T_OP, T_NL } from '../../web/lib/tensor/lexer.js';
import { TensorParseError } from '../../web/lib/tensor/errors.js';

const corpus = JSON.parse(readFileSync(new URL('../fixtures/lexer-corpus.json', import.meta.url), 'utf8'));
const KIND = { [T_NUM]: 'number', [T_NAME]: 'name', [T_STR]: 'string', [T_OP]: 'op', [T_NL]: 'newline', [T_EOF]: 'end' };

// UTF-16 offset -> code points
const cp = (text, pos) => [...text.slice(0, pos)].length;

// The corpus's normalized form: { tokens } or { error }.
function lex(text) {
  const tokens = [];
  try {
    const lx = new Lexer(text);
    for (;;) {
      const t = [KIND[lx.type], lx.type === T_NUM ? text.slice(lx.start, lx.i) : lx.text, cp(text, lx.start)];
      if (lx.type === T_NUM) t.push(Number.isFinite(lx.num) ? lx.num : 'inf');
      tokens.push(t);
      if (lx.type === T_EOF) return { tokens };
      lx.next();
    }
  } catch (e) {
    if (!(e instanceof TensorParseError)) throw e;
    return { error: { message: e.message, pos: cp(text, e.pos) } };
  }
}

const expected = (c) => c.js ?? (c.tokens ? { tokens: c.tokens } : { error: c.error });

test('the corpus: every case has one expectation per lexer, a note where they differ', () => {
  assert.ok(corpus.cases.length >= 100, `${corpus.cases.length} cases`);
  const inputs = new Set();
  for (const c of corpus.cases) {
    assert.ok(!inputs.has(c.input), `duplicate input ${JSON.stringify(c.input)}`);
    inputs.add(c.input);
    const own = [c.js, c.cpp].filter(Boolean);
    assert.ok(own.length === 0 || (own.length === 2 && c.note), `${JSON.stringify(c.input)}: js and cpp come with a note`);
    for (const e of own.length ? own : [c]) {
      assert.equal((e.tokens ? 1 : 0) + (e.error ? 1 : 0), 1, `${JSON.stringify(c.input)}: tokens or error`);
    }
  }
});

const groups = new Map();
for (const c of corpus.cases) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
for (const [group, cases] of groups) {
  describe(`lexer corpus: ${group}`, () => {
    for (const c of cases) {
      test(JSON.stringify(c.input).slice(0, 60), () => {
        assert.deepEqual(lex(c.input), expected(c), c.note);
      });
    }
  });
}
