import * as tf from '../src/tf.ts';
import { create, globals } from 'webgpu';
const which = process.argv[2];
if (which === 'webgpu') {
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
  const ad = await navigator.gpu.requestAdapter();
  console.log('adapter', ad?.info);
  await import('@tensorflow/tfjs-backend-webgpu');
  console.log(await tf.setBackend('webgpu'), tf.getBackend());
} else if (which === 'wasm') {
  const w = await import('@tensorflow/tfjs-backend-wasm');
  w.setWasmPaths(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url).pathname);
  console.log(await tf.setBackend('wasm'), tf.getBackend());
}
const a = tf.randomNormal([512, 512]);
const t0 = performance.now();
const b = tf.matMul(a, a);
console.log((await b.data())[0], performance.now() - t0);
const t1 = performance.now();
const c = tf.matMul(b, a); await c.data();
console.log('2nd', performance.now() - t1);
const prof = await tf.profile(async () => { const d = tf.matMul(c, a); await d.data(); return d; });
console.log(prof.kernels.map(k => [k.name, k.kernelTimeMs, k.wallTimeMs]));
console.log(tf.memory());
