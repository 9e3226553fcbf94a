// TensorFlow.js core as the engine uses it: the ops, plus the chained-op methods
// (`t.add(u)`), which the ESM build registers only on request.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

export * from '@tensorflow/tfjs-core';
