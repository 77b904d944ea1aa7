// The URL-hash codec (web/lib/state.js): seeded random round trips over the real function table,
// per-field rejection with notices, hostile links, and the canonical-encoding guarantees.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadActlab } from '../../web/lib/actlab.js';
import { fuzzN } from './fuzz.js';
import { rand, randState as randStateOf } from './random-state.js';
import { createCodec, HASH_CAP, TEXT_CAP, MAX_OVERLAYS, MAX_VEC, MAX_WEIGHTS, MAX_NOTICES, MAX_NET_CMP, NET_INITS, NET_BIASES, isNetActivation,
  TRAIN_DATASETS, TRAIN_FEATURES, TRAIN_LOSSES, TRAIN_OPTIMIZERS, TRAIN_LIMITS, MAX_TRAIN_CMP } from '../../web/lib/state.js';

let lab, codec, D;
before(async () => {
  lab = await loadActlab();
  codec = createCodec(lab.functions, { limits: lab.limits });
  D = codec.defaults;
});

/** Fresh mutable copy of the defaults with a patch applied (structuredClone keeps -0). */
const withDefaults = (patch = {}) => ({ ...structuredClone(D), ...patch });
const randState = (r, functions) => randStateOf(r, functions, D);

// What a link may contain after the encoder: RFC 3986 fragment characters, no raw space, quote,
// angle bracket, backtick, `#`, `+` or anything non-ASCII.
const URL_SAFE = /^[A-Za-z0-9\-._~%!$&'()*,;=:@/?[\]]*$/;


describe('round trips', () => {
  test('defaults encode to the empty string and decode from it', () => {
    assert.equal(codec.encode(D), '');
    assert.equal(codec.encode(withDefaults()), '');
    assert.equal(codec.encode({}), '');  // missing keys are defaults
    for (const h of ['', '#', '&', '#&&']) assert.deepEqual(codec.decode(h), { state: withDefaults(), notices: [] });
  });

  test('the example link: #fn=GELU&approximate=tanh&x=-4,4', () => {
    const { state, notices } = codec.decode('#fn=GELU&approximate=tanh&x=-4,4');
    assert.deepEqual(notices, []);
    assert.deepEqual(state, withDefaults({ params: { GELU: { approximate: 'tanh' } }, x: [-4, 4] }));
    // fn is written with its params even though GELU is the default function.
    assert.equal(codec.encode(state), 'fn=GELU&approximate=tanh&x=-4,4');
    assert.deepEqual(codec.decode('approximate=tanh').state.params, { GELU: { approximate: 'tanh' } });
  });

  test('2,000 seeded random valid states round-trip exactly, canonically and URL-safe', () => {
    const r = rand(20240611);
    let longest = 0;
    for (let i = 0, n = fuzzN(2000); i < n; i++) {
      const s = randState(r, lab.functions);
      const h = codec.encode(s);
      const what = `#${i}: ${h.slice(0, 300)}`;
      assert.ok(URL_SAFE.test(h), what);
      assert.ok(h.length <= HASH_CAP, what);
      const back = codec.decode(`#${h}`);
      assert.deepEqual(back.notices, [], what);
      assert.deepEqual(back.state, s, what);
      assert.equal(codec.encode(back.state), h, what);
      longest = Math.max(longest, h.length);
    }
    assert.ok(longest > 1000);  // the generator does reach long links
  });

  test('readable links: overlays, weights, dims, bools, ranges, show', () => {
    const s = withDefaults({
      view: 'gallery',
      fn: 'PReLU',
      params: { PReLU: { weight: [0.1, -0.2] } },
      overlays: [{ fn: 'ReLU', params: {} }, { fn: 'ELU', params: { alpha: 0.5 } }, { fn: 'GELU', params: { approximate: 'tanh' } }],
      x: [-4, 4],
      y: [-1, 2.5],
      show: { f: true, df: false },
      shade: true,
      vec: [0, 1, 2, 3],
      comp: 1,
      lang: 'zh',
      theme: 'dark',
    });
    assert.equal(codec.encode(s), 'view=gallery&fn=PReLU&weight=0.1,-0.2&cmp=ReLU;ELU(alpha=0.5);GELU(approximate=tanh)'
      + '&x=-4,4&y=-1,2.5&show=f&shade=true&vec=0,1,2,3&comp=1&lang=zh&theme=dark');
    assert.equal(codec.encode(withDefaults({ fn: 'Softmax', params: { Softmax: { dim: -1 } } })), 'fn=Softmax&dim=-1');
    assert.equal(codec.encode(withDefaults({ fn: 'RReLU', params: { RReLU: { training: true, seed: 7 } } })), 'fn=RReLU&training=true&seed=7');
    assert.equal(codec.encode(withDefaults({ overlays: [{ fn: 'PReLU', params: { weight: [1, 2, 3] } }, { fn: 'Hardtanh', params: { min_val: -2, max_val: 0.5 } }] })),
      'cmp=PReLU(weight=1,2,3);Hardtanh(min_val=-2,max_val=0.5)');
    assert.equal(codec.encode(withDefaults({ show: { f: false, df: false }, tensor: '', grad: '' })), 'show=none&tensor=&grad=');
    assert.equal(codec.encode(withDefaults({ tensor: '[[1, 2],\n [3, 4]]' })), 'tensor=[[1,%202],%0A%20[3,%204]]');
    assert.equal(codec.encode(withDefaults({ grad: 'a&b=c#d%e+f' })), 'grad=a%26b%3Dc%23d%25e%2Bf');
  });

  test('numbers are exact: shortest repr, -0, subnormals, 1e21 (its + escaped)', () => {
    const vec = [0.1 + 0.2, 1 / 3, -0, 5e-324, 1.7976931348623157e308, 1e21, -1e-7, 2 ** 53 + 2];
    const h = codec.encode(withDefaults({ vec }));
    assert.equal(h, 'vec=0.30000000000000004,0.3333333333333333,-0,5e-324,1.7976931348623157e%2B308,1e%2B21,-1e-7,9007199254740994');
    assert.deepEqual(codec.decode(h).state.vec, vec);
    assert.ok(Object.is(codec.decode(h).state.vec[2], -0));
    // A raw `+` is a plus, not a space (1e+21, +4); other number spellings are read and re-canonicalized.
    const r = codec.decode('vec=1e+21,+4,.5,5.,007,1E3,-0.0');
    assert.deepEqual(r.notices, []);
    assert.deepEqual(r.state.vec, [1e21, 4, 0.5, 5, 7, 1000, -0]);
    assert.equal(codec.encode(r.state), 'vec=1e%2B21,4,0.5,5,7,1000,-0');
  });

  test('encode normalizes what the URL cannot carry, and its output always decodes without notices', () => {
    const cases = [
      // other functions' params, default-valued overrides, a one-element weight list
      [withDefaults({ fn: 'PReLU', params: { PReLU: { weight: [0.3] }, GELU: { approximate: 'tanh' }, ELU: { alpha: 2 } } }),
        withDefaults({ fn: 'PReLU', params: { PReLU: { weight: 0.3 } } })],
      [withDefaults({ fn: 'ELU', params: { ELU: { alpha: 1 } } }), withDefaults({ fn: 'ELU' })],
      [withDefaults({ overlays: Array.from({ length: 8 }, () => ({ fn: 'ReLU', params: {} })) }),
        withDefaults({ overlays: Array.from({ length: MAX_OVERLAYS }, () => ({ fn: 'ReLU', params: {} })) })],
      [withDefaults({ overlays: [{ fn: 'Nope', params: {} }, { fn: 'ELU', params: { alpha: 'x', beta: 1 } }, { fn: 'ELU' }, null] }),
        withDefaults({ overlays: [{ fn: 'ELU', params: {} }, { fn: 'ELU', params: {} }] })],
      // invalid values are left out rather than written (decode would drop them anyway)
      [withDefaults({ x: [4, -4], y: [NaN, 1], vec: [], comp: 2, tensor: 'a'.repeat(TEXT_CAP + 1), grad: 'a\u202eb', lang: 'fr', fn: 'Nope' }),
        withDefaults({ comp: 2 })],
      [withDefaults({ vec: [1, 2], comp: 2 }), withDefaults({ vec: [1, 2] })],  // comp is checked against vec
      [withDefaults({ params: { GELU: { approximate: 'TANH', bogus: 1 } }, show: { f: true, df: false, extra: 1 } }),
        withDefaults({ show: { f: true, df: false } })],
      [withDefaults({ query: 'relu' }), withDefaults()],  // the search box is not part of the URL
    ];
    for (const [s, expected] of cases) {
      const h = codec.encode(s);
      const back = codec.decode(h);
      assert.deepEqual(back.notices, [], h);
      assert.deepEqual(back.state, expected, h);
    }
    for (const junk of [null, undefined, 42, 'x', [], { x: 'nope', params: null, overlays: 'ReLU' }]) {
      assert.equal(codec.encode(junk), '');
    }
  });

  test('the largest valid state still fits under the hash cap', () => {
    const big = -1.7976931348623157e308;  // the longest String(n) there is, plus an escaped `+`
    const wide = Array.from({ length: MAX_WEIGHTS }, () => big);
    const r6 = [-999999.9999999999, 999999.9999999998];
    const s = withDefaults({
      view: 'gallery', fn: 'PReLU', params: { PReLU: { weight: wide } },
      overlays: Array.from({ length: MAX_OVERLAYS }, () => ({ fn: 'PReLU', params: { weight: wide } })),
      x: r6, y: r6, show: { f: false, df: true }, shade: true,
      vec: Array.from({ length: MAX_VEC }, () => big), comp: MAX_VEC - 1, lang: 'zh', theme: 'light',
      tensor: '😀'.repeat(TEXT_CAP), grad: '中'.repeat(TEXT_CAP), expr: `x # ${'😀'.repeat(lab.limits.exprChars - 4)}`,
    });
    // the depth lab at its longest: 100 per-layer widths, every key off its default, three pinned configs alike
    const net = {
      act: { fn: 'Softplus', params: { beta: big, threshold: big } }, depth: 100, width: 1024, widths: Array(100).fill(1024), batch: 4096,
      inputs: 1024, outputs: 1024, dist: 'rand', std: 999.9999999999999, init: { fn: 'kaiming_uniform_', params: { a: -999.9999999999999, mode: 'fan_out', nonlinearity: 'conv_transpose3d' } },
      bias: { fn: 'constant_', params: { val: -999.9999999999999 } }, loss: 'cross_entropy', seed: Number.MAX_SAFE_INTEGER,
    };
    Object.assign(s, { view: 'network', net, netCmp: [net, net, net].map((c) => structuredClone(c)) });
    // the training lab at its longest: every layer its own activation, every key off its default
    const act = { fn: 'Softplus', params: { beta: big, threshold: big } };
    s.train = {
      data: 'upload', classes: 4, n: TRAIN_LIMITS.n, noise: 0.9999999999999999, ratio: 0.8999999999999999, dseed: Number.MAX_SAFE_INTEGER,
      feats: [...TRAIN_FEATURES], widths: Array(TRAIN_LIMITS.layers).fill(TRAIN_LIMITS.width), act, acts: Array(TRAIN_LIMITS.layers).fill(act),
      init: net.init, bias: net.bias, loss: 'BCEWithLogitsLoss',
      opt: { fn: 'RMSprop', params: { lr: 0.9999999999999999, alpha: 0.9999999999999999, eps: 9.999999999999999e-5, weight_decay: 999999.9999999999, momentum: 999999.9999999999, centered: true } },
      batch: TRAIN_LIMITS.upload, l1: 0.9999999999999999, seed: Number.MAX_SAFE_INTEGER, cmp: Array(MAX_TRAIN_CMP).fill(act), play: true,
    };
    const h = codec.encode(s);
    assert.ok(h.length <= HASH_CAP, `${h.length}`);
    assert.deepEqual(codec.decode(h), { state: s, notices: [] });
  });

  test('text fields: the cap counts characters of the text (as the compiler does), newlines and tabs are kept', () => {
    const ok = 'a'.repeat(TEXT_CAP);
    assert.equal(codec.decode(codec.encode(withDefaults({ tensor: ok }))).state.tensor, ok);
    assert.equal(codec.encode(withDefaults({ tensor: `${ok}a` })), '');
    const cjk = '中'.repeat(TEXT_CAP);  // 9 characters each in the URL: the cap is not the URL form
    assert.equal(codec.decode(codec.encode(withDefaults({ grad: cjk }))).state.grad, cjk);
    assert.equal(codec.encode(withDefaults({ grad: `${cjk}中` })), '');
    const r = codec.decode(`tensor=${encodeURIComponent(`${ok}a`)}`);
    assert.equal(r.state.tensor, D.tensor);
    assert.match(r.notices[0], /^Ignored tensor="a{40}…": longer than 4000 characters$/);
    assert.equal(codec.decode('grad=%5B1,%092%5D%0A').state.grad, '[1,\t2]\n');
  });

  test('expr: the link holds every source the compiler takes, and says what it leaves out', () => {
    const max = lab.limits.exprChars;
    for (const expr of [
      `x${' '.repeat(max - 1)}`,                               // at the limit, 4,000 characters
      `x * torch.sigmoid(x)  # ${'€'.repeat(max - 24)}`,       // 3 bytes each, 9 URL characters
      `x # ${'😀'.repeat(max - 4)}`,                            // 2 UTF-16 units each
      'x  # a zero\u200bwidth space and a \u202e bidi override in a comment',
      `${'alpha = 0.5\n'.repeat(1)}torch.where(x > 0, x, alpha * (torch.exp(x) - 1)) & ; = # %`,
    ]) {
      const { hash, leftOut } = codec.encodeReport(withDefaults({ expr }));
      assert.deepEqual(leftOut, []);
      const back = codec.decode(hash);
      assert.deepEqual(back.notices, []);
      assert.equal(back.state.expr, expr);
    }
    const long = `x${' '.repeat(max)}`;
    assert.deepEqual(codec.encodeReport(withDefaults({ expr: long, tensor: 'a'.repeat(TEXT_CAP + 1) })).leftOut,
      [{ key: 'tensor', why: `longer than ${TEXT_CAP} characters` }, { key: 'expr', why: `longer than ${max} characters` }]);
    assert.deepEqual(codec.encodeReport(withDefaults({ expr: 'x # \ud800' })).leftOut, [{ key: 'expr', why: 'contains a lone surrogate' }]);
    assert.match(codec.decode(`expr=${encodeURIComponent(long)}`).notices[0], /^Ignored expr=.*: longer than 4000 characters$/);
  });
});

describe('invalid values are rejected one by one; the rest of the link applies', () => {
  const REST = { view: 'gallery', shade: 'true', theme: 'dark', x: '-4,4' };
  const REST_STATE = { view: 'gallery', shade: true, theme: 'dark', x: [-4, 4] };
  const NUMBER_PAIRS = ['abc', '', ',', '4,-4', '1,1', '-4', '-4,4,5', '0,1e7', '-1000001,0', '0,1e-7', 'NaN,1', 'Infinity,1',
    '1e999,2', '0x10,20', '1_0,20', '%EF%BC%91,2', '１,2', '1,%E2%80%8B2', '-4,4%00', '4 ,5', '1,2,', 'auto,1'];
  const BAD = {
    view: ['Plot', 'gallery ', '', 'graph', '%3Cscript%3E', 'gallery%00', '__proto__'],
    fn: ['gelu', 'Swish', '', 'GELU%00', '%EF%BC%A7ELU', 'GE%E2%80%8BLU', '%E2%80%AEULEG', 'constructor', '__proto__', 'toString', 'GELU%2B', '%2547ELU'],
    x: NUMBER_PAIRS,
    y: [...NUMBER_PAIRS, 'Auto', 'none', 'null'],
    show: ['F', 'f,dx', '', 'all', 'f;df', 'none,f', 'f,', 'DF'],
    shade: ['yes', '', '2', 'TRUE', 'true ', 'on'],
    eps: ['0', '1', '0.26', '1e-5', '-0.01', 'abc', '', 'NaN', '1e-3,2'],
    steep: ['yes', '', '2', 'TRUE'],
    vec: ['', '1,,2', Array.from({ length: MAX_VEC + 1 }, (_, i) => i).join(','), 'a', '1,Infinity', '1,NaN', '[1,2]', '１'],
    comp: ['3', '-1', '1.5', 'last', '', '1e0', '０', '0x1', '99999999999999999999'],
    lang: ['fr', 'EN', '', 'zh-CN', 'en%00'],
    theme: ['Dark', 'auto', '', 'light;', 'dark%E2%80%8B'],
    tensor: ['%00', 'a%01b', '%0D', '%1B[31m', '%7F', '%C2%85', '%E2%80%AE1', '%E2%81%A6x', '%E2%80%8B', '%EF%BB%BF', '%C2%AD',
      '%E2%80%A8', '%F3%A0%80%81', '%ED%A0%80', '%E0%A4%A', '%', 'a'.repeat(TEXT_CAP + 1)],
  };
  BAD.grad = BAD.tensor;
  BAD.cls = ['%3Cscript%3E', '1ELU', 'E LU', 'ELU%00', '%EF%BC%A5LU', 'a'.repeat(101), 'ELU.x'];
  BAD.ref = ['Nope', '', 'ELU;ReLU', '__proto__', 'constructor', 'ELU(', 'Custom', '%3Cscript%3E'];
  // The depth lab's fields: lab.network()'s limits, element-wise activations, torch.nn.init's names.
  Object.assign(BAD, {
    nact: ['Softmax', 'GLU', 'SwiGLU', 'PReLU', 'Softmax2d', 'Nope', '', 'tanh', '__proto__', 'ReLU;Tanh', 'ELU(', 'Custom', '%3Cscript%3E', 'Tanh%00'],
    ndepth: ['0', '101', '1.5', '-1', 'abc', '', '1e1', '%EF%BC%92', '20,30'],
    nwidth: ['0', '1025', '-5', '12.5', '', 'NaN', '0x10'],
    nwidths: ['', '0', '128,,64', '128,0', '1025', 'a,b', Array(101).fill(8).join(','), '128,64,', '1.5', 'None', '(128,64)'],
    nbatch: ['0', '4097', '', '256.0'],
    nin: ['0', '1025', ''],
    nout: ['0', '1025', 'ten'],
    nx: ['normal', 'Randn', '', 'randn_'],
    nstd: ['-1', '1001', 'abc', '', 'Infinity', '1e999', '-0.1'],
    ninit: ['orthogonal_', 'xavier_uniform', '', 'Xavier_uniform_', 'default;zeros_', 'kaiming_normal_(', '__proto__', 'constant_', 'kaiming_normal_(a=1))'],
    nbias: ['ones_', 'constant', '', 'xavier_uniform_', 'zeros_;default', 'constant_(val=1'],
    nloss: ['hinge', 'MSE', '', 'cross-entropy', 'sum '],
    nseed: ['-1', '1.5', '9007199254740992', 'abc', '', '1e3'],
  });

  test('every fixed field', () => {
    let n = 0;
    for (const [key, values] of Object.entries(BAD)) {
      for (const bad of values) {
        const rest = Object.entries(REST).filter(([k]) => k !== key);
        const h = [`${key}=${bad}`, ...rest.map(([k, v]) => `${k}=${v}`)].join('&');
        const { state, notices } = codec.decode(h);
        const expected = withDefaults(Object.fromEntries(Object.entries(REST_STATE).filter(([k]) => k !== key)));
        assert.deepEqual(state, expected, h);
        assert.equal(notices.length, 1, `${h}: ${notices}`);
        assert.ok(notices[0].startsWith(`Ignored ${key}=`), notices[0]);
        n++;
      }
    }
    assert.ok(n > 100);
  });

  test('the example notice wording', () => {
    assert.deepEqual(codec.decode('x=abc').notices, ['Ignored x="abc": expected two numbers lo,hi with lo < hi']);
    assert.deepEqual(codec.decode('x=0,2e6').notices, ['Ignored x="0,2e6": expected |lo| and |hi| <= 1000000']);
    assert.deepEqual(codec.decode('fn=Swish').notices, ['Ignored fn="Swish": unknown function (kept GELU)']);
    assert.deepEqual(codec.decode('vec=1,2&comp=2').notices, ['Ignored comp="2": expected an integer in [0, 1] (vec has 2 components)']);
  });

  /** Bad URL values for one table parameter, from its metadata. */
  function badValuesFor(p) {
    const common = ['', 'abc', 'NaN', 'Infinity', '%E0%A4%A', '%00', '１'];
    switch (p.kind) {
      case 'number': return [...common, '1,2', '0x1', '1e999',
        ...(p.min !== undefined ? [String(p.min - 1), String(p.min - 1e-9)] : []),
        ...(p.max !== undefined ? [String(p.max + 1), String(p.max + 1e-9)] : [])];
      case 'int': return [...common, '1.5', '1e3', '0x10', '9007199254740993',
        ...(p.min !== undefined ? [String(p.min - 1)] : []), ...(p.max !== undefined ? [String(p.max + 1)] : [])];
      case 'bool': return [...common, 'yes', '2', 'TRUE', '-1'];
      case 'choice': return [...common, ...p.choices.map((c) => c.toUpperCase()), `${p.choices[0]} `, p.choices.join(',')];
      case 'dim': return [...common, '6', '-7', '1.0', 'none', 'null', ...(p.default === null ? [] : ['None'])];
      case 'weight': return [...common, '1,,2', '1,', 'a,1', Array.from({ length: MAX_WEIGHTS + 1 }, () => '1').join(',')];
      default: throw new Error(p.kind);
    }
  }

  test('every parameter of every function, at the top level and inside cmp', () => {
    let n = 0;
    const withParams = lab.functions.filter((f) => f.params.length);
    assert.ok(withParams.length > 10);
    for (const spec of withParams) {
      const fields = codec.paramFields(spec.name);
      for (const [i, p] of spec.params.entries()) {
        const field = fields[i];
        assert.equal(field.name, p.name);
        for (const bad of badValuesFor(p)) {
          const h = `fn=${spec.name}&${field.key}=${bad}&x=-4,4`;
          const r = codec.decode(h);
          assert.deepEqual(r.state, withDefaults({ fn: spec.name, x: [-4, 4] }), h);
          assert.equal(r.notices.length, 1, `${h}: ${r.notices}`);
          assert.ok(r.notices[0].startsWith(`Ignored ${field.key}=`), r.notices[0]);
          // inside cmp: the parameter is dropped, the overlay stays
          const c = `cmp=ReLU;${spec.name}(${p.name}=${bad});ReLU&x=-4,4`;
          const rc = codec.decode(c);
          assert.deepEqual(rc.state, withDefaults({ overlays: [{ fn: 'ReLU', params: {} }, { fn: spec.name, params: {} }, { fn: 'ReLU', params: {} }], x: [-4, 4] }), c);
          assert.equal(rc.notices.length, 1, `${c}: ${rc.notices}`);
          assert.ok(rc.notices[0].startsWith(`Ignored ${spec.name}(${p.name}=`), rc.notices[0]);
          n++;
        }
      }
    }
    assert.ok(n > 100);
  });

  test('a valid parameter next to an invalid one still applies', () => {
    const r = codec.decode('fn=Softplus&beta=2&threshold=abc');
    assert.deepEqual(r.state.params, { Softplus: { beta: 2 } });
    assert.equal(r.notices.length, 1);
    const c = codec.decode('cmp=Softplus(beta=2,threshold=abc)');
    assert.deepEqual(c.state.overlays, [{ fn: 'Softplus', params: { beta: 2 } }]);
  });

  test('parameters of another function, or of an unknown one', () => {
    let r = codec.decode('fn=ReLU&approximate=tanh&x=-4,4');
    assert.deepEqual(r.state, withDefaults({ fn: 'ReLU', x: [-4, 4] }));
    assert.deepEqual(r.notices, ['Ignored approximate="tanh": ReLU has no parameter approximate']);
    // An unknown fn falls back to the default; params meant for it must not land on GELU.
    r = codec.decode('fn=Swish&approximate=tanh&x=-4,4');
    assert.deepEqual(r.state, withDefaults({ x: [-4, 4] }));
    assert.equal(r.notices.length, 2);
    // default-valued params are no override
    assert.deepEqual(codec.decode('fn=ELU&alpha=1&cmp=Softmax(dim=None)').state, withDefaults({ fn: 'ELU', overlays: [{ fn: 'Softmax', params: {} }] }));
    assert.deepEqual(codec.decode('fn=Softmax&dim=None').notices, []);
  });

  test('overlays: syntax errors, unknown functions, limits, duplicates', () => {
    const O = (fn, params = {}) => ({ fn, params });
    const cases = [
      ['cmp=ReLU;Swish;ELU', [O('ReLU'), O('ELU')], 1],
      ['cmp=ReLU;;ELU;', [O('ReLU'), O('ELU')], 0],
      ['cmp=', [], 0],
      ['cmp=ReLU()', [O('ReLU')], 0],
      ['cmp=ELU(alpha=0.5', [], 1],
      ['cmp=ELU(alpha=0.5)x;ReLU', [O('ReLU')], 1],
      ['cmp=ELU((alpha=0.5))', [], 1],
      ['cmp=ELU(0.5)', [O('ELU')], 1],
      ['cmp=ELU(alpha=0.5,alpha=2)', [O('ELU', { alpha: 2 })], 1],
      ['cmp=ELU(alpha=0.5,alpha=bad)', [O('ELU')], 2],  // the last one counts, even when invalid
      ['cmp=ELU(beta=1)', [O('ELU')], 1],
      ['cmp=ELU(__proto__=1,constructor=2)', [O('ELU')], 2],
      ['cmp=__proto__;constructor;toString', [], 3],
      ['cmp=PReLU(weight=0.1,0.2,0.3)', [O('PReLU', { weight: [0.1, 0.2, 0.3] })], 0],
      ['cmp=%52eLU;EL%55(alpha=%30.5)', [O('ReLU'), O('ELU', { alpha: 0.5 })], 0],  // atoms are percent-decoded
      ['cmp=ELU%28alpha%3D0.5%29', [], 1],  // escaped structure is just a (bad) name
      ['cmp=ReLU;ELU;GELU;Tanh;Sigmoid;SiLU;Mish', [O('ReLU'), O('ELU'), O('GELU'), O('Tanh'), O('Sigmoid')], 1],
      ['cmp=ReLU%3BELU', [], 1],
    ];
    for (const [h, overlays, count] of cases) {
      const r = codec.decode(h);
      assert.deepEqual(r.state, withDefaults({ overlays }), h);
      assert.equal(r.notices.length, count, `${h}: ${r.notices}`);
    }
  });

  test('duplicated keys: the last one counts, with a notice', () => {
    const r = codec.decode('x=1,2&x=3,4&x=5,6&fn=ReLU&fn=ELU&alpha=2&alpha=3');
    assert.deepEqual(r.state, withDefaults({ x: [5, 6], fn: 'ELU', params: { ELU: { alpha: 3 } } }));
    assert.deepEqual(r.notices.sort(), [
      'Key "alpha" appears 2 times: the last one counts',
      'Key "fn" appears 2 times: the last one counts',
      'Key "x" appears 3 times: the last one counts',
    ]);
    // a later invalid duplicate wins and is rejected: the default stays
    assert.deepEqual(codec.decode('x=1,2&x=bad').state.x, [-6, 6]);
  });

  test('notices are capped', () => {
    const r = codec.decode(Array.from({ length: 30 }, (_, i) => `k${i}=1`).join('&'));
    assert.equal(r.notices.length, MAX_NOTICES);
    assert.equal(r.notices.at(-1), `…and ${30 - MAX_NOTICES + 1} more ignored`);
  });
});

describe('the depth lab in the link', () => {
  const net = (patch = {}) => ({ ...structuredClone(D.net), ...patch });

  test('a readable link: short keys, defaults left out, inits as torch.nn.init calls', () => {
    const s = withDefaults({
      view: 'network',
      net: net({ act: { fn: 'SELU', params: {} }, depth: 50, init: { fn: 'lecun_normal_', params: {} } }),
      netCmp: [net({ act: { fn: 'SELU', params: {} }, depth: 50 })],
    });
    const h = codec.encode(s);
    assert.equal(h, 'view=network&nact=SELU&ndepth=50&ninit=lecun_normal_&ncmp=(act=SELU,depth=50)');
    assert.deepEqual(codec.decode(h), { state: s, notices: [] });
    const k = withDefaults({ net: net({
      act: { fn: 'LeakyReLU', params: { negative_slope: 0.2 } }, widths: [128, 64, 32], batch: 64, dist: 'rand', std: 3,
      init: { fn: 'kaiming_normal_', params: { a: 0.2, mode: 'fan_out' } }, bias: { fn: 'constant_', params: { val: -3 } }, loss: 'cross_entropy', seed: 7,
    }) });
    assert.equal(codec.encode(k), 'nact=LeakyReLU(negative_slope=0.2)&nwidths=128,64,32&nbatch=64&nx=rand&nstd=3'
      + '&ninit=kaiming_normal_(a=0.2,mode=fan_out)&nbias=constant_(val=-3)&nloss=cross_entropy&nseed=7');
    assert.deepEqual(codec.decode(codec.encode(k)), { state: k, notices: [] });
  });

  test('pinned configs: every key, a widths list and nested parameters inside one item', () => {
    const a = net({ act: { fn: 'ELU', params: { alpha: 0.5 } }, widths: [5, 6, 7], init: { fn: 'normal_', params: { mean: 0.1, std: 0.01 } } });
    const b = net({ act: { fn: 'Sigmoid', params: {} }, depth: 3, width: 7, batch: 1, inputs: 2, outputs: 3, dist: 'rand', std: 0.5,
      bias: { fn: 'zeros_', params: {} }, loss: 'mse', seed: 12 });
    const s = withDefaults({ netCmp: [a, b, net()] });
    const h = codec.encode(s);
    assert.equal(h, 'ncmp=(act=ELU(alpha=0.5),widths=5%2C6%2C7,init=normal_(mean=0.1,std=0.01));'
      + '(act=Sigmoid,depth=3,width=7,batch=1,in=2,out=3,x=rand,std=0.5,bias=zeros_,loss=mse,seed=12);()');
    assert.deepEqual(codec.decode(h), { state: s, notices: [] });
  });

  test('bad pinned configs: items and pairs dropped one by one, the rest applies', () => {
    const cases = [
      ['ncmp=(act=ReLU);(act=Softmax,depth=3);(depth=0)', [net({ act: { fn: 'ReLU', params: {} } }), net({ depth: 3 }), net()], 2],
      ['ncmp=(depth=2);(depth=3);(depth=4);(depth=5)', [net({ depth: 2 }), net({ depth: 3 }), net({ depth: 4 })], 1],
      ['ncmp=depth=2;(x)', [net()], 2],
      ['ncmp=(nope=1,depth=2)', [net({ depth: 2 })], 1],
      ['ncmp=(depth=2,depth=3)', [net({ depth: 3 })], 1],
      ['ncmp=(depth=2,depth=bad)', [net()], 2],
      ['ncmp=((depth=2))', [net()], 1],
      ['ncmp=(act=ELU(alpha=0.5,beta=1))', [net({ act: { fn: 'ELU', params: { alpha: 0.5 } } })], 1],
      ['ncmp=(widths=5,6)', [net({ widths: [5, 6] })], 0],  // as in cmp, a piece without = continues the value
      ['ncmp=(__proto__=1,constructor=2)', [net()], 2],
      ['ncmp=(act=RReLU(training=true))', [net({ act: { fn: 'RReLU', params: {} } })], 1],  // the lab runs in eval mode
      ['ncmp=', [], 0],
      ['ncmp=();;()', [net(), net()], 0],
    ];
    for (const [h, netCmp, count] of cases) {
      const r = codec.decode(h);
      assert.deepEqual(r.state, withDefaults({ netCmp }), h);
      assert.equal(r.notices.length, count, `${h}: ${r.notices}`);
    }
  });

  test('the activation: element-wise table functions, and the custom one when it is element-wise', () => {
    for (const f of lab.functions) {
      const ok = !f.dimwise && !f.halves && f.params.every((p) => p.kind !== 'weight');
      assert.equal(codec.decode(`nact=${f.name}`).notices.length, ok ? 0 : 1, f.name);
    }
    const custom = { name: 'Custom', module: 'custom', family: 'custom', custom: true, dimwise: false, halves: false,
      params: [{ name: 'alpha', kind: 'number', default: 0.2, lo: 0, hi: 1 }] };
    const withCustom = createCodec([...lab.functions, custom], { limits: lab.limits });
    assert.deepEqual(withCustom.decode('nact=Custom(alpha=0.5)').state.net.act, { fn: 'Custom', params: { alpha: 0.5 } });
    const dimwise = createCodec([...lab.functions, { ...custom, dimwise: true, params: [] }], { limits: lab.limits });
    assert.match(dimwise.decode('nact=Custom').notices[0], /not element-wise/);
    // encode() leaves out what decode() would drop
    assert.deepEqual(codec.encodeReport(withDefaults({ net: net({ act: { fn: 'Softmax', params: {} }, depth: 0 }) })).leftOut.map((o) => o.key), ['nact', 'ndepth']);
    assert.equal(codec.encode(withDefaults({ netCmp: [{ depth: 3, bogus: 1, act: { fn: 'GLU' } }, 7, null] })), 'ncmp=(depth=3);();()');
  });
});

describe('hostile links', () => {
  const protoNames = () => [Object, Array, Function, String, Number].map((C) => Object.getOwnPropertyNames(C.prototype).sort().join());
  let protoBefore;
  before(() => {
    protoBefore = protoNames();
  });
  const MB = 1 << 20;

  // [hash, the valid parts that must apply, whether a notice is expected]
  const CASES = [
    ['<script>alert(1)</script>', {}],
    ['javascript:alert(1)', {}],
    ['"><img src=x onerror=alert(1)>', {}],
    ['%3Cscript%3E', {}],
    ['%3Cscript%3Ealert(1)%3C/script%3E=1', {}],
    ['fn=<script>alert(1)</script>&x=-4,4', { x: [-4, 4] }],
    ['fn=javascript:alert(1)', {}],
    ['view="><img src=x onerror=alert(1)>', {}],
    ['cmp=<img src=x onerror=alert(1)>;ReLU', { overlays: [{ fn: 'ReLU', params: {} }] }],
    // Free text is data: kept verbatim and shown with textContent by the page.
    ['tensor=<script>alert(1)</script>', { tensor: '<script>alert(1)</script>' }, false],
    ['tensor=%3Cimg%20src=x%20onerror=alert(1)%3E', { tensor: '<img src=x onerror=alert(1)>' }, false],
    ['grad=javascript:alert(1)', { grad: 'javascript:alert(1)' }, false],
    ['a'.repeat(MB), {}],
    [`x=${'1'.repeat(MB)}`, {}],
    [`tensor=${'a'.repeat(MB)}`, {}],
    [`shade=true&tensor=${'%41'.repeat(MB)}`, { shade: true }],
    ['&'.repeat(MB), {}],  // only the cap notice
    ['='.repeat(MB), {}],
    ['%'.repeat(MB), {}],
    [`x=-4,4&${'q=1&'.repeat(MB / 4)}`, { x: [-4, 4] }],
    [`${'x=1,2&'.repeat(MB / 6)}`, { x: [1, 2] }],
    ['__proto__[x]=1', {}],
    ['__proto__=1', {}],
    ['__proto__.x=1&__proto__[polluted]=yes', {}],
    ['constructor=Object', {}],
    ['constructor[prototype][polluted]=1', {}],
    ['constructor.prototype.polluted=1', {}],
    ['prototype=1', {}],
    ['toString=1&hasOwnProperty=1&valueOf=1', {}],
    ['fn=__proto__', {}],
    ['fn=constructor&approximate=tanh', {}],
    ['fn=PReLU&__proto__=1&constructor=1', { fn: 'PReLU' }],
    ['cmp=__proto__(x=1);constructor(prototype=1)', {}],
    ['cmp=ELU(__proto__=1,constructor=2)', { overlays: [{ fn: 'ELU', params: {} }] }],
    ['%E0%A4%A', {}],
    ['%E0%A4%A=1&x=-4,4', { x: [-4, 4] }],
    ['x=%E0%A4%A', {}],
    ['tensor=%E0%A4%A', {}],
    ['cmp=%E0%A4%A;ReLU', { overlays: [{ fn: 'ReLU', params: {} }] }],
    ['cmp=ELU(alpha=%E0%A4%A)', { overlays: [{ fn: 'ELU', params: {} }] }],
    ['cmp=ELU(%E0%A4%A=1)', { overlays: [{ fn: 'ELU', params: {} }] }],
    ['%', {}],
    ['x=%', {}],
    ['%ZZ=1', {}],
    ['x=%u0034,5', {}],
    ['fn=%ED%A0%80', {}],  // an encoded lone surrogate
    ['tensor=\uD800', {}],  // a raw one
    ['fn=GELU%00&x=-4,4', { x: [-4, 4] }],
    ['fn=GELU\0', {}],
    ['\0', {}],
    ['\0=\0', {}],
    ['tensor=a%00b', {}],
    ['x=1\0,2', {}],
    ['fn=%E2%80%AEULEG', {}],
    ['fn=%E2%80%AEGELU', {}],
    ['tensor=%E2%80%AE[1,2]', {}],
    ['grad=1%E2%81%A6,2%E2%81%A9', {}],
    ['x=%E2%80%AE4,-4', {}],
    ['fn=RE%E2%80%8BLU', {}],
    ['fn=%EF%BB%BFReLU', {}],
    ['fn=😀', {}],
    ['x=😀,1', {}],
    ['cmp=😀;ReLU', { overlays: [{ fn: 'ReLU', params: {} }] }],
    ['tensor=%F0%9F%98%80', { tensor: '😀' }, false],
    ['tensor=😀', { tensor: '😀' }, false],
    ['x=－４,４', {}],
    ['x=%EF%BC%94,5', {}],
    ['vec=１,２', {}],
    ['comp=１', {}],
    ['fn=ＲｅＬＵ', {}],
    ['fn=ELU&alpha=０.５', { fn: 'ELU' }],
    // double encoding: one decoding only
    ['fn%3DReLU', {}],
    ['fn=%2552eLU', {}],
    ['x=%252D4,4', {}],
    ['fn%253DReLU=1', {}],
    ['x=-4%2C4', { x: [-4, 4] }, false],  // numbers have no commas, so an escaped separator is harmless
    ['%78=-4,4', { x: [-4, 4] }, false],   // so are escaped keys
    // `+` is a literal plus
    ['fn=GELU+&x=-4,+4', { x: [-4, 4] }],
    ['tensor=1+2', { tensor: '1+2' }, false],
    ['tensor=1%2B2', { tensor: '1+2' }, false],
    ['##fn=ReLU', {}],
    ['fn=ReLU#x=1', {}],
    ['?fn=ReLU', {}],
    ['fn=ReLU?x=1', {}],
    [' fn=ReLU', {}],
    ['fn =ReLU', {}],
    ['FN=ReLU', {}],
  ];

  test(`${CASES.length} hostile links: no throw, valid parts only, notices, clean prototypes`, () => {
    for (const [h, patch, noticed = true] of CASES) {
      const what = h.length > 80 ? `${h.slice(0, 80)}… (${h.length})` : h;
      const r = codec.decode(h);
      assert.deepEqual(r.state, withDefaults(patch), what);
      assert.equal(r.notices.length > 0, noticed, `${what}: ${r.notices}`);
      for (const n of r.notices) {
        assert.equal(typeof n, 'string');
        assert.ok(n.length < 400, `${what}: ${n.slice(0, 100)}`);
        // values in notices are quoted, cut short, and their invisible characters spelled out
        assert.ok(!/[\p{Cc}\p{Cf}\p{Cs}]/u.test(n), `${what}: ${JSON.stringify(n)}`);
      }
      assert.equal(Object.getPrototypeOf(r.state), Object.prototype);
      assert.equal(Object.getPrototypeOf(r.state.params), Object.prototype);
      // what came out is valid and canonical: it re-encodes and decodes without notices
      assert.deepEqual(codec.decode(codec.encode(r.state)), { state: r.state, notices: [] }, what);
    }
    assert.deepEqual(protoNames(), protoBefore);
    assert.equal({}.polluted, undefined);
    assert.equal({}.x, undefined);
    assert.equal(typeof {}.constructor, 'function');
  });

  test('non-string input never throws', () => {
    for (const h of [undefined, null, 42, {}, [], Symbol('x'), { toString: () => { throw new Error('boom'); } }]) {
      assert.deepEqual(codec.decode(h), { state: withDefaults(), notices: [] });
    }
  });

  test('the hash cap keeps whole pairs only', () => {
    const head = 'shade=true&pad=';
    const pad = 'a'.repeat(HASH_CAP - 4 - head.length - 1);
    const h = `${head}${pad}&x=-4,40000`;  // the cap falls inside x's value: `x=-4` must not apply
    assert.equal(h.indexOf('x=-4') + 4, HASH_CAP);
    const r = codec.decode(h);
    assert.deepEqual(r.state, withDefaults({ shade: true }));
    assert.deepEqual(r.notices, [`The link is longer than ${HASH_CAP} characters: ignored the rest`, 'Ignored unknown key "pad"']);
    // exactly at the cap: nothing is cut
    const exact = `shade=true&tensor=${'a'.repeat(HASH_CAP - 18)}`;
    assert.equal(exact.length, HASH_CAP);
    assert.deepEqual(codec.decode(exact).notices, ['Ignored tensor="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…": longer than 4000 characters']);
    // cut right before a `&`: the last pair is whole and applies
    const before = `tensor=${'a'.repeat(HASH_CAP - 7 - 11)}&x=-4,4&view=gallery`;
    assert.equal(before.indexOf('&x'), HASH_CAP - 11);
    assert.equal(codec.decode(before.slice(0, HASH_CAP) + '&shade=true').state.x[1], 4);
  });

  test('fuzz: 5,000 random garbage links and 5,000 mutated valid links decode to valid, canonical states', () => {
    const r = rand(7);
    const ALPHA = ['&', '=', '%', '%2', '%E0', '%25', '%26', '%3D', '(', ')', ';', ',', '#', '+', ' ', '\0', '\n', '\u202e', '\u200b',
      '０', '😀', '\uD800', 'a', '1', '-', '.', 'e', 'fn', 'x', 'y', 'cmp', 'vec', 'comp', 'show', 'tensor', 'grad', 'ReLU', 'ELU',
      'PReLU', 'alpha', 'weight', 'dim', 'None', 'true', '__proto__', 'constructor', 'f', 'df', 'auto', 'none'];
    const links = [];
    for (let i = 0, n = fuzzN(5000); i < n; i++) links.push(Array.from({ length: r.int(40) }, () => r.pick(ALPHA)).join(''));
    for (let i = 0, n = fuzzN(5000); i < n; i++) {
      const chars = [...codec.encode(randState(r, lab.functions))];
      for (let k = 1 + r.int(4); k > 0 && chars.length; k--) {
        const at = r.int(chars.length);
        if (r.bool()) chars.splice(at, 1);
        else chars.splice(at, 0, r.pick(ALPHA));
      }
      links.push(chars.join(''));
    }
    for (const h of links) {
      const { state } = codec.decode(h);
      const again = codec.encode(state);
      assert.deepEqual(codec.decode(again), { state, notices: [] }, h);
      assert.equal(codec.encode(codec.decode(again).state), again);
    }
    assert.deepEqual(protoNames(), protoBefore);
  });
});

describe('the schema', () => {
  test('fields are declarative and inspectable, in URL order', () => {
    assert.deepEqual(codec.fields.map((f) => f.key), ['view', 'fn', null, 'cmp', 'x', 'y', 'show', 'shade', 'eps', 'steep', 'vec', 'comp', 'lang', 'theme', 'tensor', 'grad', 'expr', 'cls', 'ref',
      'nact', 'ndepth', 'nwidth', 'nwidths', 'nbatch', 'nin', 'nout', 'nx', 'nstd', 'ninit', 'nbias', 'nloss', 'nseed', 'ncmp',
      'tdata', 'tclasses', 'tn', 'tnoise', 'tratio', 'tdseed', 'tfeat', 'twidths', 'tact', 'tacts', 'tinit', 'tbias', 'tloss', 'topt',
      'tbatch', 'tl1', 'tseed', 'tcmp', 'tplay']);
    for (const f of codec.fields) {
      assert.ok(Array.isArray(f.path) && typeof f.type === 'string', f.key);
      if (f.type === 'params') continue;
      assert.deepEqual(f.default, f.path.reduce((o, k) => o[k], D), f.key);
      for (const m of ['parse', 'check', 'format']) assert.equal(typeof f[m], 'function', `${f.key}.${m}`);
    }
    assert.ok(Object.isFrozen(codec.fields) && Object.isFrozen(codec.defaults.x));
    const [p] = codec.paramFields('GELU');
    assert.deepEqual({ key: p.key, path: p.path, type: p.type, default: p.default }, { key: 'approximate', path: ['params', 'GELU', 'approximate'], type: 'choice', default: 'none' });
    // every table parameter gets a field; none of today's names collide with a fixed key
    for (const f of lab.functions) assert.deepEqual(codec.paramFields(f.name).map((pf) => pf.key), f.params.map((q) => q.name));
    assert.deepEqual(codec.paramFields('Nope'), []);
    assert.deepEqual(codec.paramFields('__proto__'), []);
  });

  test('the page decides defaults (lang); a bad default is refused', () => {
    const zh = createCodec(lab.functions, { defaults: { lang: 'zh' }, limits: lab.limits });
    assert.equal(zh.encode({ ...structuredClone(zh.defaults) }), '');
    assert.equal(zh.encode({ ...structuredClone(zh.defaults), lang: 'en' }), 'lang=en');
    assert.equal(zh.decode('').state.lang, 'zh');
    assert.equal(zh.decode('lang=en').state.lang, 'en');
    const relu = createCodec(lab.functions, { defaults: { fn: 'ReLU', x: [-2, 2] }, limits: lab.limits });
    assert.equal(relu.encode(withDefaults()), 'fn=GELU&x=-6,6');
    assert.throws(() => createCodec(lab.functions, { defaults: { lang: 'fr' }, limits: lab.limits }), TypeError);
    assert.throws(() => createCodec(lab.functions, { defaults: { fn: 'Nope' }, limits: lab.limits }), TypeError);
    assert.throws(() => createCodec(lab.functions, { defaults: { colour: 'red' }, limits: lab.limits }), TypeError);
    assert.throws(() => createCodec(lab.functions, { defaults: { params: {} }, limits: lab.limits }), TypeError);
    assert.throws(() => createCodec([]), TypeError);
  });

  test('any table: colliding names get a p. prefix, odd choice strings are escaped', () => {
    const table = [
      { name: 'Foo', params: [
        { name: 'x', kind: 'number', default: 1, min: 0 },
        { name: 'shade', kind: 'bool', default: false },
        { name: 'mode', kind: 'choice', default: 'a', choices: ['a', 'b(c),d;e=f&g#h%i+j k'] },
        { name: 'n', kind: 'int', default: 0 },
      ] },
      { name: 'Bar(2)', params: [] },
    ];
    const c = createCodec(table, { limits: lab.limits });
    assert.equal(c.defaults.fn, 'Foo');  // no GELU in this table: its first function
    assert.deepEqual(c.paramFields('Foo').map((f) => f.key), ['p.x', 'p.shade', 'mode', 'n']);
    const odd = 'b(c),d;e=f&g#h%i+j k';
    const s = { ...structuredClone(c.defaults), params: { Foo: { x: 2, shade: true, mode: odd, n: -5 } }, x: [-1, 1],
      overlays: [{ fn: 'Foo', params: { mode: odd, x: 0.5 } }, { fn: 'Bar(2)', params: {} }] };
    const h = c.encode(s);
    assert.equal(h, 'fn=Foo&p.x=2&p.shade=true&mode=b%28c%29%2Cd%3Be%3Df%26g%23h%25i%2Bj%20k&n=-5'
      + '&cmp=Foo(x=0.5,mode=b%28c%29%2Cd%3Be%3Df%26g%23h%25i%2Bj%20k);Bar%282%29&x=-1,1');
    assert.deepEqual(c.decode(h), { state: s, notices: [] });
    // the fixed key keeps its meaning; the bare param name is not an alias
    const r = c.decode('x=2&shade=true');
    assert.deepEqual(r.notices, ['Ignored x="2": expected two numbers lo,hi with lo < hi']);
    assert.equal(r.state.shade, true);
    assert.deepEqual(r.state.params, {});
    assert.deepEqual(c.decode('p.x=-1').notices, ['Ignored p.x="-1": expected a number >= 0']);
  });
});
