// Vite builds the static site. `base: './'` makes it work from any sub-path;
// workers are ES modules so they can import the same src/ modules as the page.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  base: './',
  plugins: [svelte()],
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  // Pre-bundled up front: discovering them on first import would reload the page mid-test.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops',
      '@tensorflow/tfjs-core/dist/register_all_gradients',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-backend-wasm',
      'papaparse',
      'idb-keyval',
    ],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
