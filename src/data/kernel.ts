// The WebAssembly kernels of src/data/wasm/, embedded as bytes by `npm run wasm`: each is
// compiled synchronously, once, the first time it is needed (small modules compile in
// microseconds, on any thread, and V8 compiles their functions lazily).

export function lazyModule(base64: string): () => WebAssembly.Module {
  let module: WebAssembly.Module | null = null;
  return () => {
    if (module === null) {
      const text = atob(base64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      module = new WebAssembly.Module(bytes);
    }
    return module;
  };
}
