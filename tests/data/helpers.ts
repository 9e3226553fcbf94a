// Shared by the tests/data suites: where the data lives, byte sources, and the check
// that a load fails with a UserError (one sentence, no stack) matching a pattern.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { isUserError } from '../../src/errors.ts';
import { loadBars, type LoadOptions, type LoadResult } from '../../src/data/load.ts';

/** The real market files of ../shared/data (absent on some machines: suites skip). */
export const SHARED_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const HAS_SHARED_DATA = existsSync(`${SHARED_DATA}SOURCES.md`);
export const FIXTURES = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
export const SAMPLE_FILE = fileURLToPath(new URL('../../public/sample/6EH4-XCME-M1-2024-01.csv', import.meta.url));

export function fixture(name: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(readFileSync(`${FIXTURES}${name}`));
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function utf16(text: string, order: 'le' | 'be', bom = true): Uint8Array {
  const body = bom ? `\ufeff${text}` : text;
  const out = new Uint8Array(body.length * 2);
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    out[2 * i + (order === 'le' ? 0 : 1)] = c & 0xff;
    out[2 * i + (order === 'le' ? 1 : 0)] = c >> 8;
  }
  return out;
}

/** Bytes as an async iterable of `size`-byte chunks: the shape of a Node stream. */
export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

export function load(text: string, opts: LoadOptions = {}): Promise<LoadResult> {
  return loadBars(utf8(text), opts);
}

/** The promise rejects with a UserError whose single-line message matches. */
export async function expectUserError(p: Promise<unknown>, pattern: RegExp): Promise<string> {
  const error = await p.then(() => null, (e: unknown) => e);
  expect(error, 'expected the load to fail').not.toBeNull();
  if (!isUserError(error)) throw error;
  expect(error.message).toMatch(pattern);
  expect(error.message).not.toContain('\n');
  return error.message;
}

/** Bars of a random walk as a `time,open,high,low,close,volume` CSV, seeded. */
export function randomWalkCsv(n: number, seed = 1, stepMs = 60_000): string {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const lines = ['time,open,high,low,close,volume'];
  let close = 1.1;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = open * Math.exp((rand() - 0.5) * 2e-3);
    const high = Math.max(open, close) * (1 + rand() * 5e-4);
    const low = Math.min(open, close) * (1 - rand() * 5e-4);
    const t = new Date(Date.UTC(2024, 0, 1) + i * stepMs).toISOString();
    lines.push(`${t},${open.toFixed(6)},${high.toFixed(6)},${low.toFixed(6)},${close.toFixed(6)},${Math.floor(rand() * 1000)}`);
  }
  return `${lines.join('\n')}\n`;
}
