// Choosing the TensorFlow.js backend: WebGPU first, then WebGL, then wasm or CPU, each
// loaded lazily so the first screen does not pay for the ones not used. The report says
// what was chosen, on which adapter, and why each faster one was not.

import * as tf from '../tf.ts';
import { backendNames, type BackendName } from './names.ts';

export interface AdapterInfo {
  name: string; // what to show: the description, else vendor and architecture
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  limits: Record<string, number>;
}

export interface BackendReport {
  backend: BackendName;
  adapter?: AdapterInfo; // WebGPU only
  skipped: { backend: BackendName; reason: string }[]; // faster backends not used, and why
}

const registrations: Record<BackendName, () => Promise<unknown>> = {
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  webgl: () => import('@tensorflow/tfjs-backend-webgl'),
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

/** Tries `order` in turn (all backends by default) and keeps the first that starts. */
export async function chooseBackend(order: readonly BackendName[] = backendNames): Promise<BackendReport> {
  const skipped: BackendReport['skipped'] = [];
  for (const name of order) {
    const reason = await tryBackend(name);
    if (reason === undefined) {
      return { backend: name, adapter: name === 'webgpu' ? await adapterInfo() : undefined, skipped };
    }
    skipped.push({ backend: name, reason });
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}

/** Undefined when `name` is now the active backend, else why not. */
async function tryBackend(name: BackendName): Promise<string | undefined> {
  if (name === 'webgpu') {
    const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
    if (gpu === undefined) return 'this browser has no WebGPU (navigator.gpu is missing): use Chrome 113 or newer';
    if ((await gpu.requestAdapter()) === null) return 'WebGPU is present but offers no GPU adapter (blocked GPU or driver)';
  }
  if (name === 'webgl' && typeof OffscreenCanvas === 'undefined' && typeof document === 'undefined') {
    return 'no canvas to create a WebGL context on';
  }
  try {
    await registrations[name]();
    if (!(await tf.setBackend(name))) return `${name} failed to initialize`;
    await tf.ready();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

async function adapterInfo(): Promise<AdapterInfo | undefined> {
  const adapter = await navigator.gpu.requestAdapter();
  if (adapter === null) return undefined;
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const key of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup'] as const) {
    limits[key] = adapter.limits[key];
  }
  const name = info.description || [info.vendor, info.architecture, info.device].filter(Boolean).join(' ') || 'unnamed GPU adapter';
  return { name, vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, limits };
}
