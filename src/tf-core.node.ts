// In Node, tfjs-core's CommonJS bundle has neither the gradients nor the chained ops;
// the @tensorflow/tfjs bundle registers both into that same tfjs-core (see src/tf.ts).
import '@tensorflow/tfjs';

export * from '@tensorflow/tfjs-core';
