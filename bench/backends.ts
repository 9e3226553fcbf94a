// The TF.js backends in Node for the benchmarks, started through the app's chooseBackend
// (src/backend/backends.ts): cpu, wasm (its .wasm files from node_modules), and webgpu
// through Dawn for Node (the npm package `webgpu`), which needs navigator.gpu installed.

import { existsSync } from 'node:fs';
import * as tf from '../src/tf.ts';
import { chooseBackend, type AdapterInfo } from '../src/backend/backends.ts';
import type { BackendName } from '../src/backend/names.ts';
import { benchPath } from './paths.ts';

export interface Started {
  backend: BackendName;
  adapter?: AdapterInfo;
  detail: string; // how it runs, as measured: wasm's SIMD and threads
}

/** Starts `name`, or says in one sentence why it could not. */
export async function startBackend(name: 'cpu' | 'wasm' | 'webgpu'): Promise<Started | { error: string }> {
  try {
    if (name === 'wasm') await prepareWasm();
    if (name === 'webgpu') await installDawn();
    const report = await chooseBackend([name]);
    return { backend: report.backend, adapter: report.adapter, detail: name === 'wasm' ? await wasmDetail() : name };
  } catch (e) {
    return { error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

/** Whether the wasm build that loaded uses SIMD, and on how many threads (one in Node: no cross-origin isolation). */
async function wasmDetail(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm.getThreadsCount();
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
}

/** Node has no fetch of file:// paths, so the wasm backend is pointed at its own dist/. */
async function prepareWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = benchPath('..', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/';
  if (existsSync(dist)) wasm.setWasmPaths(dist);
}

let dawnInstalled = false;

/**
 * Makes Dawn the WebGPU of this process: its globals (GPUBufferUsage, ...) and a
 * navigator.gpu, which Node does not have. The Vulkan driver is chosen by the environment
 * (VK_ICD_FILENAMES: SwiftShader here, NVIDIA's ICD on the GPU machine).
 */
export async function installDawn(): Promise<void> {
  if (dawnInstalled) return;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  }
  dawnInstalled = true;
}

export function isSoftwareAdapter(a: AdapterInfo | undefined): boolean {
  return a === undefined || /swiftshader|llvmpipe|software|cpu/i.test(`${a.name} ${a.vendor} ${a.architecture} ${a.description}`);
}

