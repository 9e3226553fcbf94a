// The first look at a file's opening lines: line ending, whole-line quoting, delimiter,
// header or not, decimal mark (spec/DATA.md §1 "other delimiters"). Works on a sample
// of lines only; detect.ts then gives the columns their roles.

import Papa from 'papaparse';
import { guessTime, isTimeOfDay } from './time.ts';
import type { DecimalMark, Delimiter } from './types.ts';

export const DELIMITERS: readonly Delimiter[] = ['\t', ';', ',', '|'];
/** Lines looked at before the columns are decided. */
export const SNIFF_LINES = 100;
/** Disables papaparse's quote handling (NUL never survives the binary check). */
export const NO_QUOTE = '\u0000';

export type Newline = '\n' | '\r\n' | '\r';

export interface SampleLine {
  text: string;
  line: number;
}

export function detectNewline(sample: string): Newline {
  const lf = sample.indexOf('\n');
  if (lf > 0 && sample[lf - 1] === '\r') return '\r\n';
  if (lf >= 0) return '\n';
  return sample.includes('\r') ? '\r' : '\n';
}

/**
 * The first SNIFF_LINES non-blank lines with their 1-based numbers, split and numbered as
 * the loader's fast path does (on '\n', one trailing '\r' dropped; on '\r' in a CR-only
 * file); a trailing partial line is left out unless `complete`. The rest of the sample,
 * however long, is not looked at.
 */
export function sampleLines(sample: string, newline: Newline, complete: boolean): SampleLine[] {
  const lineBreak = newline === '\r' ? '\r' : '\n';
  const out: SampleLine[] = [];
  for (let start = 0, line = 1; out.length < SNIFF_LINES; line++) {
    const stop = sample.indexOf(lineBreak, start);
    if (stop < 0 && !complete) break;
    let text = sample.slice(start, stop < 0 ? sample.length : stop);
    if (lineBreak === '\n' && text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() !== '') out.push({ text, line });
    if (stop < 0) break;
    start = stop + 1;
  }
  return out;
}

/** Every line is one quoted string such as `"Time\tOpen\tHigh"`, delimiters inside. */
export function detectQuotedLines(lines: readonly SampleLine[]): boolean {
  return (
    lines.length > 0 &&
    lines.every((l) => /^"[^"]*"$/.test(l.text)) &&
    DELIMITERS.some((d) => lines[0].text.includes(d))
  );
}

export function unquoteLine(text: string): string {
  return text.slice(1, -1);
}

export function splitLines(lines: readonly string[], delimiter: Delimiter, quotes: boolean): string[][] {
  const parsed = Papa.parse<string[]>(lines.join('\n'), {
    delimiter,
    newline: '\n',
    quoteChar: quotes ? '"' : NO_QUOTE,
  });
  return parsed.data.map((row) => row.map((cell) => cell.trim()));
}

const NUMBER = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;
const DOT_DECIMAL = /^[+-]?\d*\.\d+$/;
const COMMA_DECIMAL = /^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$/;

/** A number in either decimal mark, or a time: what a cell of a bar row usually holds. */
export function isValueCell(cell: string): boolean {
  return NUMBER.test(cell) || guessTime(cell) !== null || isTimeOfDay(cell);
}

function valueCount(row: readonly string[]): number {
  return row.reduce((n, c) => n + (isValueCell(c) ? 1 : 0), 0);
}

export function modalLength(rows: readonly string[][]): { length: number; share: number } {
  const counts = new Map<number, number>();
  for (const r of rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let length = 0;
  let best = 0;
  for (const [n, c] of counts) if (c > best || (c === best && n > length)) [length, best] = [n, c];
  return { length, share: rows.length === 0 ? 0 : best / rows.length };
}

/**
 * The delimiter that splits the data lines into the same number (>= 2) of fields, most
 * of them numbers or times. `1,1032;1,1040` splits cleanly on `;`, not on `,`.
 */
export function detectDelimiter(lines: readonly string[], quotes: boolean): Delimiter | null {
  const data = lines.length > 1 ? lines.slice(1) : lines;
  let best: Delimiter | null = null;
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const rows = splitLines(data, d, quotes);
    const { length, share } = modalLength(rows);
    if (length < 2 || share < 0.6) continue;
    const probe = rows.find((r) => r.length === length) ?? rows[0];
    const score = valueCount(probe) + length / 1000;
    if (score > bestScore) [best, bestScore] = [d, score];
  }
  return best;
}

/** A header's first line has words where the next line has numbers and times. */
export function detectHeader(rows: readonly string[][]): boolean {
  const first = rows[0];
  const hasWords = first.some((c) => /[A-Za-z]/.test(c) && !isValueCell(c));
  if (!hasWords) return false;
  if (rows.length < 2) return valueCount(first) === 0;
  return valueCount(first) < valueCount(rows[1]);
}

/** ',' when numbers are written `1,1032` (only possible when ',' is not the delimiter). */
export function detectDecimal(rows: readonly string[][], delimiter: Delimiter): DecimalMark {
  if (delimiter === ',') return '.';
  let comma = 0;
  let dot = 0;
  for (const row of rows) {
    for (const cell of row) {
      if (COMMA_DECIMAL.test(cell)) comma++;
      else if (DOT_DECIMAL.test(cell) && guessTime(cell) === null) dot++;
    }
  }
  return comma > dot ? ',' : '.';
}
