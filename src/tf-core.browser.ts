// The ES module build of tfjs-core with what it leaves out by default (see src/tf.ts).
// Order matters: the core (and its flags) must be evaluated before gradients register.
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export * from '@tensorflow/tfjs-core';
