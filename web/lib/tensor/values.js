// Parser values. Python scalars are {k:'num', v, t:'int'|'float'|'bool', big}; lists/tuples are
// ListNodes whose items are raw numbers (bool/int/float leaves), BigInts (ints beyond 2^53) or
// ListNodes, with dtype-inference flags gathered while parsing.

export const K_BOOL = 1, K_INT = 2, K_FLOAT = 4;

export class ListNode {
  constructor(pos, tuple) {
    this.k = 'list';
    this.pos = pos; // offset of '[' or '('
    this.tuple = tuple;
    this.items = [];
    this.kinds = 0; // K_* of every leaf below, and K_FLOAT for every empty list below (torch's inference)
  }
}

export const num = (v, t, big = null) => ({ k: 'num', v, t, big });
export const MAX_EXACT = 2n ** 53n;
// A Python int: a double when exact (|n| <= 2^53), else the double plus the exact BigInt.
export const intValue = (big) => num(Number(big), 'int', big >= -MAX_EXACT && big <= MAX_EXACT ? null : big);
export const tensor = (shape, data, dtype) => ({ k: 'tensor', shape, data, dtype });

export const pyTypeName = (v) => {
  switch (v.k) {
    case 'num': return v.t === 'bool' ? 'bool' : v.t;
    case 'list': return v.tuple ? 'tuple' : 'list';
    case 'str': return 'str';
    case 'tensor': return 'Tensor';
    case 'dtype': return 'torch.dtype';
    case 'module': return 'module';
    case 'generator': return 'torch._C.Generator';
    case 'none': return 'NoneType';
    default: return 'builtin_function_or_method';
  }
};

export const numel = (shape) => shape.reduce((a, b) => a * b, 1);
export const shapeStr = (shape) => `[${shape.join(', ')}]`;
