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
  for (const name of ['copyKernel', 'copy2Kernel', 'cheapJson', 'gemm', 'linearForward', 'linearGradInput', 'linearGradWeight', 'addChain', 'mulAddChains']) {
    assert.equal(h.module[name], undefined, `the product exports ${name}`);
  }
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

// The GEMM exports (npm run bench's gemm section) in both builds: the Catch2 suite checks
// actlab/gemm.hpp natively and in the SIMD128 build; this is the scalar build's only check. Every
// element is summed in k order with a multiply and an add per step in either build, so the two
// agree bit for bit, and both are within γ(K+3)·Σ|terms| of the exact product (see test_gemm.cpp).
test('gemm and the Linear products: both bench builds agree bit for bit and match a double reference', () => {
  let seed = 99;
  const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 31) - 1;
  const cases = [[1, 1, 1], [1, 9, 5], [9, 1, 5], [5, 7, 1], [13, 21, 37], [6, 12, 260]];
  for (const [m, n, k] of cases) {
    const x = Float32Array.from({ length: m * k }, rnd), W = Float32Array.from({ length: n * k }, rnd);
    const b = Float32Array.from({ length: n }, rnd), dY = Float32Array.from({ length: m * n }, rnd);
    const out = {};
    for (const [v, { lab, module: M }] of Object.entries(builds)) {
      const put = (a) => { const h = lab.alloc(a.length); h.array.set(a); return h; };
      const hx = put(x), hW = put(W), hb = put(b), hdY = put(dY);
      const y = lab.alloc(m * n), dX = lab.alloc(m * k), dW = lab.alloc(n * k), c = lab.alloc(m * n);
      M.linearForward(m, n, k, hx.ptr, hW.ptr, hb.ptr, y.ptr);
      M.linearGradInput(m, n, k, hdY.ptr, hW.ptr, dX.ptr);
      M.linearGradWeight(m, n, k, hdY.ptr, hx.ptr, dW.ptr, false);
      M.gemm(m, n, k, hx.ptr, k, false, hW.ptr, k, true, c.ptr, n, 0, 0);  // x Wᵀ, no bias
      out[v] = { y: y.array.slice(), dX: dX.array.slice(), dW: dW.array.slice(), c: c.array.slice() };
      for (const h of [hx, hW, hb, hdY, y, dX, dW, c]) h.free();
    }
    for (const key of ['y', 'dX', 'dW', 'c']) {
      assert.deepEqual(new Uint32Array(out.scalar[key].buffer), new Uint32Array(out.simd[key].buffer), `${m}×${n}×${k} ${key}: simd and scalar differ`);
    }
    // reference: value and Σ|terms| of element (i, j) of each product
    const near = (got, terms, what) => {
      let ref = 0, mag = 0;
      for (const t of terms) { ref += t; mag += Math.abs(t); }
      const bound = ((terms.length + 3) * 2 ** -24 / (1 - (terms.length + 3) * 2 ** -24)) * mag + 1e-37;
      assert.ok(Math.abs(got - ref) <= bound, `${m}×${n}×${k} ${what}: ${got} vs ${ref}`);
    };
    const r = (len, f) => Array.from({ length: len }, (_, q) => f(q));
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        near(out.simd.y[i * n + j], [b[j], ...r(k, (q) => x[i * k + q] * W[j * k + q])], `y[${i}][${j}]`);
        near(out.simd.c[i * n + j], r(k, (q) => x[i * k + q] * W[j * k + q]), `c[${i}][${j}]`);
      }
      for (let q = 0; q < k; q++) near(out.simd.dX[i * k + q], r(n, (j) => dY[i * n + j] * W[j * k + q]), `dX[${i}][${q}]`);
    }
    for (let j = 0; j < n; j++) {
      for (let q = 0; q < k; q++) near(out.simd.dW[j * k + q], r(m, (i) => dY[i * n + j] * x[i * k + q]), `dW[${j}][${q}]`);
    }
  }
});
