// The TensorFlow.js backends the engine can run on, fastest first. Apart from
// backends.ts so that the page can list them without loading TensorFlow.js.

export const backendNames = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];
