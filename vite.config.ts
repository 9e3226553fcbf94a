// Vite builds the static site. `base: './'` makes it work from any sub-path;
// workers are ES modules so they can import the same src/ modules as the page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * TF.js's wasm backend fetches its binaries by name from beside the script that runs it
 * (the engine worker, in assets/), and no import names them, so Vite would ship none and
 * the backend would fail to start. This puts them there, in the build and on the dev server.
 */
function tfjsWasmBinaries(): Plugin {
  const dist = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const names = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
  return {
    name: 'tfjs-wasm-binaries',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = names.find((n) => req.url?.split('?')[0].endsWith(`/${n}`));
        if (name === undefined) return next();
        res.setHeader('content-type', 'application/wasm');
        res.end(readFileSync(join(dist, name)));
      });
    },
    generateBundle() {
      for (const name of names) this.emitFile({ type: 'asset', fileName: `assets/${name}`, source: readFileSync(join(dist, name)) });
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [svelte(), tfjsWasmBinaries()],
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
