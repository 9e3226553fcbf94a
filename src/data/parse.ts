// The general path's line splitting: a line the fast path (plain.ts) declines is split into
// strings here, by papaparse when it quotes. And the longest line a file of bars may have.

import Papa from 'papaparse';
import type { Delimiter } from './types.ts';

/** No bar line is this long; a longer one means a binary or line-less file (DATA.md §7). */
export const MAX_LINE_CHARS = 16_384;

/** Characters in UTF-8 bytes: every byte but the continuation bytes (10xxxxxx) starts one. */
export function characters(bytes: Uint8Array): number {
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
