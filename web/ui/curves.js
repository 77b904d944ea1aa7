// From page state to the curves a chart draws: the current function and the pinned ones, each
// sampled by the wasm kernels (cached), labelled the way PyTorch would be called, coloured from
// the theme. Shared by the playground, the embed page and the <actlab-plot> element.
import { labelOf } from './learn.js';
import { grid } from './sample.js';

export { labelOf };
export const paramsOf = (s, name) => s.params[name] ?? {};
/** The built-in a custom function is compared with ({fn, params}), or null. */
export const refOf = (s, specs) => (s.ref && specs.get(s.fn)?.custom && specs.has(s.ref.fn) ? s.ref : null);
export const compOf = (s) => (s.comp == null || s.comp >= s.vec.length ? s.vec.length - 1 : s.comp);

/**
 * { curves: [{label, curve, color}], error } for state `s`. A function whose parameters are
 * invalid keeps its last good curve (`lastGood`, per slot) and reports the kernel's message.
 */
export function curvesFor(s, specs, sampler, colors, lastGood = new Map()) {
  const comp = compOf(s);
  // A custom function compared with PyTorch: the built-in is drawn with it.
  const ref = refOf(s, specs);
  const items = [{ fn: s.fn, params: paramsOf(s, s.fn) }, ...s.overlays, ...(ref ? [ref] : [])];
  let error = '';
  const curves = items.map((it, i) => {
    const spec = specs.get(it.fn);
    let curve;
    try {
      curve = sampler.curve(spec, it.params, s.x, s.vec, comp);
      lastGood.set(i, curve);
    } catch (e) {
      if (!error) error = e.message;
      curve = lastGood.get(i);
      if (!curve || curve.x.length !== sampler.n) {
        const x = grid(s.x[0], s.x[1], sampler.n);
        curve = { x, f: new Float32Array(x.length).fill(NaN), df: new Float32Array(x.length).fill(NaN), kinks: [] };
      }
    }
    // Labelled by the state's name (an <actlab-plot>'s Custom has another name in the engine).
    return { label: labelOf(spec.name === it.fn ? spec : { ...spec, name: it.fn }, it.params), curve, color: colors[i % colors.length] };
  });
  return { curves, error };
}
