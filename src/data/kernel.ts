// The WebAssembly kernels of src/data/wasm/, embedded as bytes by `npm run wasm`: each is
// compiled synchronously, once, the first time it is needed (small modules compile in
// microseconds, on any thread, and V8 compiles their functions lazily).

import { UserError } from '../errors.ts';

export function lazyModule(base64: string): () => WebAssembly.Module {
  let module: WebAssembly.Module | null = null;
  return () => {
    if (module === null) {
      const text = atob(base64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      try {
        module = new WebAssembly.Module(bytes);
      } catch (e) {
        if (!(e instanceof WebAssembly.CompileError)) throw e;
        throw new UserError('this browser cannot run the loader\'s WebAssembly (it needs WebAssembly SIMD): ' +
          'use Chrome or Edge 91, Firefox 89, Safari 16.4 or later');
      }
    }
    return module;
  };
}
