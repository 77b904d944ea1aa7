// A tiny protobuf writer for one-node ONNX models (ModelProto), enough for the benchmark's
// elementwise and softmax ops: float32 input/output with symbolic dims, float/int attributes,
// float initializers. Field numbers from onnx/onnx.proto.

class Writer {
  constructor() { this.bytes = []; }
  varint(v) {
    let n = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n) b |= 0x80;
      this.bytes.push(b);
    } while (n);
    return this;
  }
  tag(field, wire) { return this.varint((field << 3) | wire); }
  int(field, v) { return this.tag(field, 0).varint(v); }
  str(field, s) { return this.buf(field, new TextEncoder().encode(s)); }
  buf(field, u8) { this.tag(field, 2).varint(u8.length); for (const b of u8) this.bytes.push(b); return this; }
  msg(field, w) { return this.buf(field, w.finish()); }
  f32(field, v) {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    this.tag(field, 5);
    for (const x of b) this.bytes.push(x);
    return this;
  }
  finish() { return Uint8Array.from(this.bytes); }
}

const FLOAT = 1;  // TensorProto.DataType.FLOAT
const ATTR_FLOAT = 1, ATTR_INT = 2;

// ValueInfoProto{name=1, type=2{tensor_type=1{elem_type=1, shape=2{dim=1{dim_value=1 | dim_param=2}}}}}
function valueInfo(name, dims) {
  const shape = new Writer();
  for (const d of dims) {
    const dim = new Writer();
    if (typeof d === 'number') dim.int(1, d); else dim.str(2, d);
    shape.msg(1, dim);
  }
  const tensorType = new Writer().int(1, FLOAT).msg(2, shape);
  const type = new Writer().msg(1, tensorType);
  return new Writer().str(1, name).msg(2, type);
}

// AttributeProto{name=1, f=2, i=3, type=20}
function attribute(name, v) {
  const w = new Writer().str(1, name);
  if (typeof v === 'object' && 'int' in v) w.int(3, v.int).int(20, ATTR_INT);
  else w.f32(2, v).int(20, ATTR_FLOAT);
  return w;
}

// TensorProto{dims=1, data_type=2, float_data=4 (packed), name=8}
function initializer(name, dims, values) {
  const w = new Writer();
  for (const d of dims) w.int(1, d);
  w.int(2, FLOAT);
  const packed = new Uint8Array(Float32Array.from(values).buffer);
  w.buf(4, packed);
  return w.str(8, name);
}

/**
 * One-node model: y = op(x [, initializers...]).
 * @param {{op: string, dims: (number|string)[], attrs?: object, inits?: {name, dims, values}[], opset?: number}} spec
 *   attrs: float values as numbers, ints as {int: n}.
 */
export function oneNodeModel({ op, dims, attrs = {}, inits = [], opset = 20 }) {
  const node = new Writer().str(1, 'x');
  for (const t of inits) node.str(1, t.name);
  node.str(2, 'y').str(3, `${op}_0`).str(4, op);
  for (const [k, v] of Object.entries(attrs)) node.msg(5, attribute(k, v));
  const graph = new Writer().msg(1, node).str(2, `actlab_bench_${op}`);
  for (const t of inits) graph.msg(5, initializer(t.name, t.dims, t.values));
  graph.msg(11, valueInfo('x', dims)).msg(12, valueInfo('y', dims));
  const opsetId = new Writer().str(1, '').int(2, opset);
  // IR version 9 goes with opset 20 (ONNX 1.15).
  return new Writer().int(1, 9).str(2, 'actlab-bench-browser').msg(7, graph).msg(8, opsetId).finish();
}
