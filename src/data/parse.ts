// Streaming CSV lines: UTF-8 bytes arrive in chunks (from a File in a worker or a Node
// stream) and leave as numbered lines, located in the chunk without copying; only the
// unfinished last line is carried over. A line the fast path (plain.ts) declines is split
// into strings here, by papaparse when it quotes.

import Papa from 'papaparse';
import { UserError } from '../errors.ts';
import type { Newline } from './sniff.ts';
import { concat } from './source.ts';
import type { Delimiter } from './types.ts';

/** No bar line is this long; a longer one means a binary or line-less file (DATA.md §7). */
export const MAX_LINE_CHARS = 16_384;

const LF = 10;
const CR = 13;

/** Called per line: `bytes[start, end)` is line number `line`, its line break left out. */
export type LineSink = (bytes: Uint8Array, start: number, end: number, line: number) => void;

export class LineSplitter {
  private carry: Uint8Array = new Uint8Array(0);
  private line = 1;
  private readonly breakByte: number;

  // A '\r\n' file is split on '\n' and a trailing '\r' dropped per line, so stray LF-only
  // lines still split.
  constructor(newline: Newline, private readonly sink: LineSink) {
    this.breakByte = newline === '\r' ? CR : LF;
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    let end = chunk.indexOf(this.breakByte);
    if (end >= 0 && this.carry.length > 0) {
      // The line that straddles two chunks is the only one copied; the rest are read in place.
      const straddling = concat(this.carry, chunk.subarray(0, end));
      this.emit(straddling, 0, straddling.length);
      this.carry = new Uint8Array(0);
      start = end + 1;
      end = chunk.indexOf(this.breakByte, start);
    }
    for (; end >= 0; end = chunk.indexOf(this.breakByte, start)) {
      this.emit(chunk, start, end);
      start = end + 1;
    }
    this.carry = concat(this.carry, chunk.subarray(start));
    if (this.carry.length > MAX_LINE_CHARS && characters(this.carry) > MAX_LINE_CHARS) {
      throw new UserError(`line ${this.line} is longer than ${MAX_LINE_CHARS} characters: ` +
        'this is not a CSV of bars (it may be binary, or have no line breaks)');
    }
  }

  end(): void {
    if (this.carry.length > 0) this.emit(this.carry, 0, this.carry.length);
    this.carry = new Uint8Array(0);
  }

  private emit(bytes: Uint8Array, start: number, end: number): void {
    this.sink(bytes, start, end > start && bytes[end - 1] === CR ? end - 1 : end, this.line++);
  }
}

/** Characters in UTF-8 bytes: every byte but the continuation bytes (10xxxxxx) starts one. */
function characters(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] & 0xc0) !== 0x80) n++;
  return n;
}

/** A line's cells as strings, quotes handled by papaparse: the general path (validate.ts). */
export function splitLine(line: string, delimiter: Delimiter, quotes: boolean): string[] {
  if (!quotes || !line.includes('"')) return line.split(delimiter);
  // Papa.Parser rather than Papa.parse, which would drop a byte-order mark starting the line.
  const parsed = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"' }).parse(line, 0, false) as Papa.ParseResult<string[]>;
  return parsed.data.flat();
}
