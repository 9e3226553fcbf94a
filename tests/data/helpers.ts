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

