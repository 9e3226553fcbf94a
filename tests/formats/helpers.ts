// Shared builders for the format tests: small state dicts and hand-made pickles and archives,
// so malformed inputs are generated in code instead of committed as binaries.

import type { StateDict } from '../../src/formats/state-dict.ts';
import { writeZip } from '../../src/formats/zip.ts';

/** A deterministic small state dict with 1-, 2- and 3-D tensors. */
export function smallStateDict(): StateDict {
  const make = (shape: number[], seed: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { shape, data: Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i) * 3) };
  };
  return new Map([
    ['input_proj.weight', make([4, 5], 1)],
    ['input_proj.bias', make([4], 2)],
    ['pos_encoder.pe', make([1, 3, 4], 3)],
    ['transformer_encoder.layers.0.norm1.weight', make([4], 4)],
  ]);
}

/** Pickle bytes from opcodes (numbers), raw latin1 text (strings) and byte arrays. */
export function pickleBytes(...parts: (number | string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const c of p) out.push(c.charCodeAt(0));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

export function u32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
}

/** A zip archive with the records under `<folder>/`, in the given order. */
export function archive(records: [string, Uint8Array | string][], folder = 'archive'): Uint8Array {
  const enc = new TextEncoder();
  return writeZip(records.map(([name, data]) => ({ name: `${folder}/${name}`, data: typeof data === 'string' ? enc.encode(data) : data })));
}

export function bytesOf(t: Float32Array): Uint8Array {
  return new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
}

/** Index of the first occurrence of `needle` in `hay`, or -1. */
export function indexOf(hay: Uint8Array, needle: readonly number[] | string): number {
  const n = typeof needle === 'string' ? [...needle].map((c) => c.charCodeAt(0)) : needle;
  outer: for (let i = 0; i + n.length <= hay.length; i++) {
    for (let j = 0; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer;
    return i;
  }
  return -1;
}
