// The benchmark build (build/wasm/actlab-{simd,scalar}-bench, what bench:browser runs): the
// product's bindings plus the copy kernels and the cheap list, none of which the product ships.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadActlab, loadActlabBuild } from '../../web/lib/actlab.js';

const builds = {};
let product;
before(async () => {
  for (const v of ['simd', 'scalar']) {
    const url = new URL(`../../build/wasm/actlab-${v}-bench.mjs`, import.meta.url);
    builds[v] = await loadActlabBuild((await import(url)).default, new URL(`../../build/wasm/actlab-${v}-bench.wasm`, import.meta.url));
  }
  product = await loadActlab();
});

test('the bench builds are the product\'s library (same table, same kernels) with the bench exports', () => {
  assert.equal(builds.simd.lab.simd, true);
  assert.equal(builds.scalar.lab.simd, false);
  for (const { lab } of Object.values(builds)) {
    assert.deepEqual(lab.functions, product.functions);
    const x = Float32Array.from({ length: 37 }, (_, i) => (i - 18) / 4);
    assert.deepEqual(lab.forward('GELU', x), product.forward('GELU', x));
  }
  const h = product.alloc(1);
  for (const name of ['copyKernel', 'copy2Kernel', 'cheapJson']) assert.equal(h.module[name], undefined, `the product exports ${name}`);
  h.free();
  for (const f of product.functions) assert.equal(f.cheap, undefined, f.name);
});

test('cheapJson: the functions with no transcendental per element (bench:browser holds these to the copy ceiling)', () => {
  const cheap = new Set(JSON.parse(builds.simd.module.cheapJson()));
  assert.ok(cheap.has('ReLU') && cheap.has('Softsign') && cheap.has('Hardswish') && !cheap.has('Sigmoid') && !cheap.has('GLU'));
  assert.deepEqual(JSON.parse(builds.scalar.module.cheapJson()), [...cheap]);
});

for (const v of ['simd', 'scalar']) {
  test(`${v}: copyKernel (bench:browser's bandwidth ceiling) copies exactly n floats, vector body and tail`, () => {
    const { lab, module } = builds[v];
    for (const n of [0, 3, 8, 1003]) {
      const src = lab.alloc(n + 1), dst = lab.alloc(n + 1);
      src.array.set(Float32Array.from({ length: n + 1 }, (_, i) => i + 0.5));
      dst.array.fill(-1);
      module.copyKernel(src.ptr, dst.ptr, n);
      assert.deepEqual(dst.array.subarray(0, n), src.array.subarray(0, n));
      assert.equal(dst.array[n], -1, 'nothing past n');
      src.free(); dst.free();
    }
  });

  test(`${v}: copy2Kernel (the backward ceiling) writes the bits of x | g for exactly n floats`, () => {
    const { lab, module } = builds[v];
    for (const n of [0, 3, 8, 1003]) {
      const a = lab.alloc(n + 1), b = lab.alloc(n + 1), dst = lab.alloc(n + 1);
      a.array.set(Float32Array.from({ length: n + 1 }, (_, i) => i + 0.5));
      b.array.set(Float32Array.from({ length: n + 1 }, (_, i) => -i / 3));
      dst.array.fill(-1);
      module.copy2Kernel(a.ptr, b.ptr, dst.ptr, n);
      const bits = (h) => new Uint32Array(h.array.buffer, h.ptr, n);
      assert.deepEqual(bits(dst), bits(a).map((u, i) => (u | bits(b)[i]) >>> 0));
      assert.equal(dst.array[n], -1, 'nothing past n');
      for (const h of [a, b, dst]) h.free();
    }
  });
}
