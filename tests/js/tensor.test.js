// The tensor console core (web/lib/tensor.js) against real PyTorch 1.13: every fixture of
// tests/fixtures/print.json (scripts/gen-print-reference.py) byte for byte, the console's own error
// messages and caret positions, and a seeded fuzz run that may only return tensors or throw
// TensorParseError.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parseTensor, formatTensor, formatParseError, TensorParseError, MAX_DEPTH } from '../../web/lib/tensor.js';

const doc = JSON.parse(readFileSync(new URL('../fixtures/print.json', import.meta.url), 'utf8'));
const ok = doc.cases.filter((c) => c.error === undefined);
const errors = doc.cases.filter((c) => c.error !== undefined);

// torch.set_printoptions names -> formatTensor options
const printOptions = (c) => {
  const o = c.opts ?? {};
  const out = {};
  for (const [k, v] of Object.entries(o)) out[k === 'sci_mode' ? 'sciMode' : k] = v;
  if (c.suffixes) out.suffixes = c.suffixes;
  return out;
};

// The fixture's little-endian bytes as the console's data arrays (int64 as exact doubles).
function decode(c) {
  const b = Buffer.from(c.data, 'base64');
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  if (c.dtype === 'float32') return new Float32Array(buf);
  if (c.dtype === 'bool') return new Uint8Array(buf);
  return Float64Array.from(new BigInt64Array(buf), Number);
}

function bytesOf(t) {
  if (t.dtype === 'float32') return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (t.dtype === 'bool') return Buffer.from(t.data);
  return Buffer.from(BigInt64Array.from(t.data, (x) => BigInt(x)).buffer);
}

const parseError = (text, opts) => {
  try {
    parseTensor(text, opts);
  } catch (e) {
    assert.ok(e instanceof TensorParseError, `${JSON.stringify(text)} threw ${e?.constructor?.name}: ${e?.message}`);
    return e;
  }
  assert.fail(`${JSON.stringify(text)} did not throw`);
};

describe('print fixtures from torch 1.13', () => {
  test('the fixture set is broad', () => {
    assert.match(doc.torch, /^1\.13/);
    assert.ok(doc.cases.length >= 300, `${doc.cases.length} cases`);
    const dtypes = new Set(ok.map((c) => c.dtype));
    assert.deepEqual([...dtypes].sort(), ['bool', 'float32', 'int64']);
    const ranks = new Set(ok.map((c) => c.shape.length));
    for (let r = 0; r <= 6; r++) assert.ok(ranks.has(r), `no ${r}-d case`);
    assert.ok(ok.some((c) => c.str.includes('...')), 'no summarized case');
    assert.ok(ok.some((c) => c.shape.includes(0)), 'no empty case');
    assert.ok(errors.length >= 40);
  });

  test('formatTensor prints every stored tensor exactly like torch', () => {
    let n = 0;
    for (const c of ok) {
      if (!c.data) continue; // hashed big tensors are checked through the parser below
      const s = formatTensor({ shape: c.shape, data: decode(c), dtype: c.dtype }, printOptions(c));
      assert.equal(s, c.str, `print of ${c.text.slice(0, 120)}`);
      n++;
    }
    assert.ok(n > 300);
  });

  test('parseTensor gives torch\'s dtype, shape and values for every input text', () => {
    for (const c of ok) {
      const t = parseTensor(c.text, { threads: c.threads ?? 1 });
      const what = c.text.slice(0, 120);
      assert.equal(t.dtype, c.dtype, what);
      assert.deepEqual(t.shape, c.shape, what);
      const bytes = bytesOf(t);
      if (c.sha256) assert.equal(createHash('sha256').update(bytes).digest('hex'), c.sha256, what);
      else assert.ok(bytes.equals(Buffer.from(c.data, 'base64')), `values of ${what}`);
    }
  });

  test('parse then format reproduces torch\'s printout byte for byte', () => {
    for (const c of ok) {
      const t = parseTensor(c.text, { threads: c.threads ?? 1 });
      assert.equal(formatTensor(t, printOptions(c)), c.str, c.text.slice(0, 120));
    }
  });

  test('errors carry torch\'s (or Python\'s) exception type and exact message', () => {
    for (const c of errors) {
      const e = parseError(c.text);
      assert.equal(e.message, c.error, c.text);
      assert.equal(e.pyType, c.pyType, c.text);
    }
  });
});

describe('data types and containers', () => {
  test('float32 -> Float32Array, int64 -> Float64Array of exact integers, bool -> Uint8Array', () => {
    assert.ok(parseTensor('[1.5]').data instanceof Float32Array);
    const i = parseTensor('torch.arange(3)');
    assert.equal(i.dtype, 'int64');
    assert.ok(i.data instanceof Float64Array);
    assert.deepEqual([...parseTensor('[-2**53, 2**53]').data], [-(2 ** 53), 2 ** 53]);
    const b = parseTensor('[True, False]');
    assert.equal(b.dtype, 'bool');
    assert.ok(b.data instanceof Uint8Array);
    assert.deepEqual([...b.data], [1, 0]);
    assert.equal(parseTensor('[True, False]').shape.length, 1);
    assert.deepEqual(parseTensor('torch.tensor(2.5)').shape, []);
  });

  test('formatTensor takes plain arrays (rounded to float32 first) and BigInt int64 data', () => {
    assert.equal(formatTensor({ shape: [2], data: [0.1, 1 / 3] }), 'tensor([0.1000, 0.3333])');
    assert.equal(formatTensor({ shape: [2], data: BigInt64Array.of(2n ** 62n, -1n), dtype: 'int64' }),
      'tensor([4611686018427387904,                  -1])');
    assert.equal(formatTensor({ shape: [1], data: [1] }, { suffixes: ['grad_fn=<ReluBackward0>'] }),
      'tensor([1.], grad_fn=<ReluBackward0>)');
  });
});

describe('console errors: message and caret position', () => {
  test('ragged nesting uses PyTorch\'s wording and points at the offending list', () => {
    const text = 'torch.tensor([[1,2,3],[4,5]])';
    const e = parseError(text);
    assert.equal(e.message, 'expected sequence of length 3 at dim 1 (got 2)');
    assert.equal(e.pos, text.indexOf('[4'));
    assert.equal(formatParseError(text, e),
      'expected sequence of length 3 at dim 1 (got 2) (line 1, column 23)\n' +
      'torch.tensor([[1,2,3],[4,5]])\n' +
      '                      ^');
    assert.equal(e.caretMessage(text), formatParseError(text, e));
    // a scalar where a list belongs: the scalar
    assert.equal(parseError('[[1, 2], 3]').pos, 9);
    // a list where a scalar belongs: that list
    assert.equal(parseError('[1, [2, 3]]').pos, 4);
  });

  test('unknown names, attributes and methods', () => {
    let e = parseError('torch.tensor([1, foo])');
    assert.equal(e.message, "name 'foo' is not defined");
    assert.equal(e.pyType, 'NameError');
    assert.equal(e.pos, 17);
    assert.equal(e.caretMessage('torch.tensor([1, foo])').split('\n')[2], '                 ^');
    e = parseError('torch.eye(3)');
    assert.match(e.message, /^torch\.eye is not supported here \(supported: torch\.tensor, torch\.zeros/);
    assert.equal(e.pos, 6);
    assert.equal(e.pyType, 'NotSupported');
    e = parseError('math.sqrt(2)');
    assert.match(e.message, /^math\.sqrt is not supported here/);
    assert.equal(e.pos, 5);
    e = parseError('torch.ones(3).sum()');
    assert.match(e.message, /^tensor method \.sum\(\) is not supported here \(supported: \.reshape\(\), \.view\(\), \.float\(\)\)/);
    assert.equal(e.pos, 14);
  });

  test('wrong arity and bad keywords', () => {
    let e = parseError('torch.linspace(0, 1)');
    assert.equal(e.message, 'linspace() missing 1 required positional arguments: "steps"');
    assert.equal(e.pos, 19);
    e = parseError('torch.tensor([1], [2])');
    assert.equal(e.message, 'tensor() takes 1 positional argument but 2 were given');
    assert.equal(e.pos, 18);
    e = parseError('torch.zeros(2, dtype=torch.int64)');
    assert.equal(e.message, 'only dtype=torch.float32 is supported here (got torch.int64)');
    e = parseError('torch.full((2,), 1, 2)');
    assert.equal(e.message, 'full() takes 2 positional arguments but 3 were given');
    e = parseError('torch.zeros()');
    assert.equal(e.message, 'zeros() missing 1 required positional arguments: "size"');
    assert.equal(e.pos, 12);
  });

  test('the element limit is stated and checked before anything is allocated', () => {
    let e = parseError('torch.zeros(1001, 1000)');
    assert.equal(e.message, 'too many elements: 1,001,000 is more than the limit of 1,000,000 (maxElements)');
    assert.equal(e.pyType, 'LimitExceeded');
    assert.equal(e.pos, 12);
    // 10^18 elements would not fit in memory: refused from the size alone
    e = parseError('torch.manual_seed(0); torch.randn(10**6, 10**6, 10**6)');
    assert.match(e.message, /limit of 1,000,000/);
    e = parseError('torch.arange(0, 10**12)');
    assert.match(e.message, /limit of 1,000,000/);
    e = parseError('[1, 2, 3]', { maxElements: 2 });
    assert.equal(e.message, 'too many elements: the limit is 2 (maxElements)');
    assert.equal(e.pos, 7);
    e = parseError('torch.linspace(0, 1, 11)', { maxElements: 10 });
    assert.match(e.message, /11 is more than the limit of 10/);
    assert.deepEqual(parseTensor('torch.ones(10)', { maxElements: 10 }).shape, [10]);
    // a total budget across statements keeps long inputs bounded too
    e = parseError(Array(20).fill('torch.zeros(10)').join('; '), { maxElements: 10 });
    assert.match(e.message, /more than 160 tensor elements in total/);
  });

  test('bad reshape and view use torch\'s wording', () => {
    let e = parseError('torch.arange(6).reshape(4, 2)');
    assert.equal(e.message, "shape '[4, 2]' is invalid for input of size 6");
    assert.equal(e.pyType, 'RuntimeError');
    assert.equal(e.pos, 24);
    e = parseError('torch.ones(2, 3).view(-1, -1)');
    assert.equal(e.message, 'only one dimension can be inferred');
    e = parseError('torch.zeros(0).view(0, -1)');
    assert.equal(e.message, 'cannot reshape tensor of 0 elements into shape [0, -1] because the unspecified dimension size -1 can be any value and is ambiguous');
  });

  test('more than 6 dimensions is refused clearly', () => {
    for (const text of ['torch.zeros(1, 1, 1, 1, 1, 1, 1)', 'torch.ones((1, 1, 1, 1, 1, 1, 1))', 'torch.arange(2).view(1, 1, 1, 1, 1, 1, 2)']) {
      assert.match(parseError(text).message, /^tensors with more than 6 dimensions are not supported here \(got 7\)$/, text);
    }
    const e = parseError('[[[[[[[1]]]]]]]');
    assert.match(e.message, /more than 6 dimensions/);
    assert.equal(e.pos, 6);
    assert.deepEqual(parseTensor('[[[[[[1]]]]]]').shape, [1, 1, 1, 1, 1, 1]);
  });

  test('unbalanced brackets, trailing garbage and bad tokens', () => {
    const cases = [
      ['[1, 2', "'[' was never closed", 0],
      ['torch.tensor([1, 2]', "'(' was never closed", 12],
      ['[1, 2]]', "unexpected ']'", 6],
      ['[1, 2)', "unexpected ')'", 5],
      ['torch.tensor([1, 2]))', "unexpected ')'", 20],
      ['[1, 2] x', "unexpected 'x'", 7],
      ['[1 2]', "unexpected '2'", 3],
      ['[1,, 2]', "unexpected ','", 3],
      ['', 'empty input: type a tensor, e.g. torch.tensor([1.0, 2.0]) or [[1, 2], [3, 4]]', 0],
      ['  # only a comment\n', 'empty input: type a tensor, e.g. torch.tensor([1.0, 2.0]) or [[1, 2], [3, 4]]', 0],
      ['[1__0]', 'invalid decimal literal', 1],
      ['[1_]', 'invalid decimal literal', 1],
      ['[1e]', 'invalid decimal literal', 1],
      ['[1.2.3]', 'invalid decimal literal', 1],
      ['[12abc]', 'invalid decimal literal', 1],
      ['[0x]', 'invalid hexadecimal literal', 1],
      ['[0b102]', 'invalid binary literal', 1],
      ['[012]', 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers', 1],
      ['[1j]', 'complex numbers are not supported', 1],
      ["float('inf)", 'unterminated string literal (detected at line 1)', 6],
      ['[1, 2] € 3', "invalid character '€' (U+20AC)", 7],
      ['tensor([0.1, ..., 0.9])', "'...' (a summarized printout) cannot be parsed: the elements it hides are unknown", 13],
      ['[1 // 2]', "operator '//' is not supported", 3],
      ['torch.ones(3)[0]', 'indexing is not supported', 13],
      ['torch.ones(2) * 2', 'arithmetic on tensors is not supported here', 14],
      ['import numpy', "only 'import torch' and 'import math' are supported", 0],
      ['torch.manual_seed(0)', 'the last statement must be a tensor expression', 0],
      ['x = 1; y', "name 'y' is not defined", 7],
    ];
    for (const [text, message, pos] of cases) {
      const e = parseError(text);
      assert.equal(e.message, message, text);
      assert.equal(e.pos, pos, text);
    }
  });

  test('nesting is limited and says so', () => {
    const text = '['.repeat(100) + ']'.repeat(100);
    const e = parseError(text);
    assert.equal(e.message, `nesting is deeper than ${MAX_DEPTH} levels`);
    assert.equal(e.pos, MAX_DEPTH);
    assert.equal(parseError('('.repeat(10000) + '1' + ')'.repeat(10000)).pos, MAX_DEPTH);
    assert.equal(parseError('2' + '**2'.repeat(200)).message, `nesting is deeper than ${MAX_DEPTH} levels`);
    // long sign chains are loops, not recursion
    assert.deepEqual([...parseTensor('-'.repeat(100001) + '1').data], [-1]);
  });

  test('rand and randn need an explicit seed', () => {
    const e = parseError('torch.randn(3)');
    assert.equal(e.message, 'torch.randn() needs torch.manual_seed(n) earlier in the input: without a seed its values are unknown');
    assert.equal(e.pos, 0);
    assert.match(parseError('x = torch.rand(2); torch.manual_seed(0); x').message, /^torch\.rand\(\) needs/);
  });

  test('carets on later lines, under tabs, and in windows of long lines', () => {
    const text = 'torch.manual_seed(0)\n\tx = [[1, 2],\n\t     3]';
    const e = parseError(text);
    assert.equal(e.message, 'not a sequence');
    assert.equal(formatParseError(text, e), 'not a sequence (line 3, column 7)\n\t     3]\n\t     ^');
    const long = '[' + '1.5, '.repeat(5000) + 'oops, 2]';
    const w = parseError(long);
    const lines = formatParseError(long, w).split('\n');
    assert.equal(lines[0], `name 'oops' is not defined (line 1, column ${long.indexOf('oops') + 1})`);
    assert.ok(lines[1].length <= 102 && lines[1].startsWith('…') && lines[1].endsWith(']'));
    assert.equal(lines[1][lines[2].length - 1], 'o');
    assert.equal(lines[2].at(-1), '^');
  });
});

describe('console syntax', () => {
  test('statements, comments, assignments and torch\'s own printout', () => {
    const t = parseTensor('import torch\n# a comment\nx = torch.arange(6)  # six\n\ny = x.view(2, 3)\ny.float()');
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, 'float32');
    const printed = formatTensor(parseTensor('torch.manual_seed(1); torch.randn(2, 3)'));
    assert.equal(formatTensor(parseTensor(printed)), printed);
  });

  test('a generator is per input: the same text always gives the same values', () => {
    const a = parseTensor('torch.manual_seed(3); torch.randn(5)');
    const b = parseTensor('torch.manual_seed(3); torch.randn(5)');
    assert.deepEqual([...a.data], [...b.data]);
  });
});

// ---------------------------------------------------------------------------------------- fuzz

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzz', () => {
  test('5,000+ random and mutated inputs: a valid tensor or a TensorParseError, nothing else', () => {
    const rand = mulberry32(12345);
    const pick = (a) => a[Math.floor(rand() * a.length)];
    const vocab = ['[', ']', '(', ')', ',', ', ', '.', '-', '+', '*', '/', '**', '=', ';', '\n', ' ', '\t', '#', '"', "'",
      '0', '1', '7', '2.5', '1e3', '1e400', '-0.0', '0x1f', '1_0', '.5', '5.', 'True', 'False', 'None', 'inf', 'nan',
      'torch', 'math', 'tensor', 'zeros', 'ones', 'full', 'arange', 'linspace', 'rand', 'randn', 'manual_seed',
      'reshape', 'view', 'float', 'float32', 'int64', 'dtype', 'size', 'steps', 'x', 'pi', 'e', '...', '€', '\\\n',
      '(2, 3)', '[1, 2]', '-1', '10**9', '2**70', 'torch.manual_seed(0)', 'torch.randn(', 'torch.tensor(', "float('nan')"];
    const texts = doc.cases.map((c) => c.text).filter((t) => t.length < 2000);
    const mutate = (s) => {
      const ops = rand() < 0.6 ? 1 : 2 + Math.floor(rand() * 3);
      for (let k = 0; k < ops; k++) {
        const i = Math.floor(rand() * (s.length + 1));
        const j = Math.min(s.length, i + Math.floor(rand() * 6));
        const r = rand();
        if (r < 0.3) s = s.slice(0, i) + pick(vocab) + s.slice(i);
        else if (r < 0.55) s = s.slice(0, i) + s.slice(j);
        else if (r < 0.75) s = s.slice(0, i) + pick(vocab) + s.slice(j);
        else if (r < 0.9) s = s.slice(0, i) + s.slice(i, j).repeat(2) + s.slice(j);
        else s = s.slice(0, i);
      }
      return s;
    };
    let tensors = 0;
    let failures = 0;
    const N = 6000;
    for (let n = 0; n < N; n++) {
      let text;
      if (n % 3 === 0) {
        text = '';
        const len = Math.floor(rand() * 30);
        for (let k = 0; k < len; k++) text += pick(vocab);
      } else if (n % 3 === 1) {
        text = mutate(pick(texts));
      } else {
        text = String.fromCharCode(...Array.from({ length: Math.floor(rand() * 40) }, () => 32 + Math.floor(rand() * 95)));
      }
      let t;
      try {
        t = parseTensor(text, { maxElements: 20000 });
      } catch (e) {
        if (!(e instanceof TensorParseError)) assert.fail(`${JSON.stringify(text)} threw ${e?.constructor?.name}: ${e?.message}`);
        assert.ok(typeof e.message === 'string' && e.message.length > 0, JSON.stringify(text));
        assert.ok(Number.isInteger(e.pos) && e.pos >= 0 && e.pos <= text.length, `${JSON.stringify(text)}: pos ${e.pos}`);
        assert.equal(typeof formatParseError(text, e), 'string');
        failures++;
        continue;
      }
      assert.ok(['float32', 'int64', 'bool'].includes(t.dtype), JSON.stringify(text));
      assert.ok(t.shape.length <= 6 && t.shape.every((d) => Number.isInteger(d) && d >= 0), JSON.stringify(text));
      assert.equal(t.data.length, t.shape.reduce((a, b) => a * b, 1), JSON.stringify(text));
      assert.match(formatTensor(t), /^tensor\(/s);
      tensors++;
    }
    assert.ok(tensors > 200 && failures > 2000, `${tensors} tensors, ${failures} errors`);
  });
});

// Big plain literals take a JSON fast path; a leading statement forces the general parser, so the
// two can be compared on the same literal: same values, dtype and shape, or the same error.
describe('literal fast path', () => {
  test('agrees with the general parser on big literals, valid and mutated', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const num = (float) => (float ? ((rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 6)).toPrecision(1 + Math.floor(rand() * 9)) : String(Math.floor((rand() - 0.5) * 1e6)));
    const mutations = [
      (s) => s, (s) => s, (s) => s.replace(']', ', ]'), (s) => s.replace(/\d\.\d+/, '1.'), (s) => s.replace(', ', ', inf, '),
      (s) => s.replace(/\[[^[\]]*\]/, '[1, 2]'), (s) => s.replace(', ', ', "a", '), (s) => s.replace(/,/, ',,'),
      (s) => s.replace(/\d+/, '99999999999999999999'), (s) => s.replace(/(\d)$/, '$1 '), (s) => s + ')', (s) => `torch.tensor(${s})`,
      (s) => s.replace(', ', ', true, '), (s) => s.replace(', ', ', null, '), (s) => s.replace(', ', ', {}, '), (s) => s.replace(/\d/, '-0'),
    ];
    for (let trial = 0; trial < 160; trial++) {
      const float = rand() < 0.7;
      const dims = 1 + Math.floor(rand() * 3);
      const shape = Array.from({ length: dims }, () => 1 + Math.floor(rand() * (dims === 1 ? 3000 : dims === 2 ? 60 : 14)));
      const build = (d) => `[${Array.from({ length: shape[d] }, () => (d === dims - 1 ? num(float) : build(d + 1))).join(', ')}]`;
      const text = mutations[trial % mutations.length](build(0));
      const run = (t) => { try { const r = parseTensor(t); return { dtype: r.dtype, shape: r.shape, data: Array.from(r.data) }; } catch (e) { return { error: e.message, name: e.name }; } };
      const fast = run(text);
      const general = run(`import torch\n${text}`);
      if (general.error) {
        assert.ok(fast.error, `fast path accepted what the parser rejects: ${general.error}`);
        assert.equal(fast.name, 'TensorParseError');
      } else {
        assert.deepEqual(fast, general, `trial ${trial}`);
      }
    }
  });
});

test('rand/randn without torch.manual_seed run with the caller\'s seed and report it', () => {
  const seeded = parseTensor('torch.randn(2, 3)', { seed: 4321 });
  const explicit = parseTensor('torch.manual_seed(4321); torch.randn(2, 3)');
  assert.deepEqual(Array.from(seeded.data), Array.from(explicit.data));
  assert.equal(seeded.seed, 4321);
  assert.equal(explicit.seed, undefined);
  assert.equal(parseTensor('torch.manual_seed(1); torch.rand(2)', { seed: 9 }).seed, undefined);
  assert.throws(() => parseTensor('torch.rand(2)', { seed: -1 }), RangeError);
});
