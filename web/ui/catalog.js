// The functions the page knows: the C++ table plus the custom expression, the link codec built
// for them, the library build they run on and its curve sampler. Views read it; only the custom
// view changes it (a compiled expression), and loading the expression engine swaps the build.
import { loadActlab } from '../lib/actlab.js';
import { createCodec } from '../lib/state.js';
import { Sampler } from './sample.js';
import { CUSTOM, withCustom } from './custom.js';

export const SAMPLES = 2000;  // points per curve in the playground

export function createCatalog(lab, defaults) {
  let upgrading = null;
  const cat = {
    lab,
    sampler: new Sampler(lab, SAMPLES),
    specs: new Map(lab.functions.map((f) => [f.name, f])),
    custom: null,
    codec: null,
    /** Every function for lists and the gallery, the custom one last. */
    functions: () => withCustom(cat.lab, cat.custom),
    /** The sidebar's and the gallery's order: [family, functions] in order of first appearance, table order within. */
    families(keep = () => true) {
      const groups = new Map();
      for (const f of cat.functions()) {
        if (!keep(f)) continue;
        if (!groups.has(f.family)) groups.set(f.family, []);
        groups.get(f.family).push(f);
      }
      return groups;
    },
    /** Make `spec` (or none) the custom function; the codec then validates fn=Custom and its params. */
    useCustom(spec) {
      cat.custom = spec;
      if (spec) cat.specs.set(CUSTOM, spec);
      else cat.specs.delete(CUSTOM);
      cat.codec = createCodec(cat.functions(), { defaults, limits: cat.lab.limits });
    },
    /** Swap in the build with the expression engine (same table: specs and state stay valid); a no-op where it runs already. */
    upgrade() {
      upgrading ??= cat.lab.hasExpr ? Promise.resolve() : loadActlab({ expr: true }).then((full) => {
        cat.lab = full;
        cat.sampler = new Sampler(full, SAMPLES);
        cat.generation++;
      });
      return upgrading;
    },
    /** Bumped when the build changes: views drop what they cached from the old one. */
    generation: 0,
  };
  cat.useCustom(null);
  return cat;
}
