// TensorFlow.js on the pure-JS CPU backend, the reference every other backend is held to.
import * as tf from '../../src/tf.ts';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../src/random.ts';

export async function cpuBackend(): Promise<typeof tf> {
  await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Deterministic U(-2, 2) inputs as nested arrays of `shape`. */
export function randomNested(shape: number[], seed: number): any[] {
  const rng = new Rng(seed);
  const build = (depth: number): any[] =>
    Array.from({ length: shape[depth] }, () => (depth === shape.length - 1 ? rng.next() * 4 - 2 : build(depth + 1)));
  return build(0);
}
