// Parses big console inputs off the main thread (an 8 MB literal takes ~0.1-0.3 s), so typing and
// plotting never freeze. The tensor's buffer is transferred back, not copied.
import { parseTensor } from '../lib/tensor.js';
import { seedFor } from './seed.js';

self.onmessage = ({ data: { id, text, maxElements } }) => {
  try {
    const t = parseTensor(text, { maxElements, seed: () => seedFor(text) });
    self.postMessage({ id, tensor: t }, [t.data.buffer]);
  } catch (e) {
    self.postMessage({ id, error: { message: e.message, pos: e.pos, name: e.name } });
  }
};
