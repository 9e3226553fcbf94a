// The loader's fast path (spec/DATA.md §1): one pass over a line's UTF-8 bytes that splits
// its fields and reads the number columns as it goes, making no string. It takes only what
// is plain (unquoted or simply quoted fields, plain decimals) and declines anything else,
// which validate.ts then reads the general way, so both ways keep exactly the same rows.

import type { DecimalMark } from './types.ts';

const QUOTE = 34;
const MINUS = 45;
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

export interface PlainLayout {
  delimiter: string;
  decimal: DecimalMark;
  /** Every line wrapped in one pair of quotes, delimiters inside; otherwise `"` quotes a field. */
  quotedLines: boolean;
  fieldCount: number;
  /** The columns read as numbers; the others are only located. */
  numberColumns: readonly number[];
}

export class PlainLineReader {
  /** Per number column, its value; NaN when the cell is empty. */
  readonly value: Float64Array;
  /** Per column, where its text starts and ends in the line's bytes (inside simple quotes). */
  readonly from: Int32Array;
  readonly to: Int32Array;
  private readonly isNumber: Uint8Array;
  private readonly delimiter: number;
  private readonly mark: number;
  private readonly quotedLines: boolean;
  private readonly fieldCount: number;

  constructor(layout: PlainLayout) {
    const n = layout.fieldCount;
    this.value = new Float64Array(n);
    this.from = new Int32Array(n);
    this.to = new Int32Array(n);
    this.isNumber = new Uint8Array(n);
    for (const col of layout.numberColumns) this.isNumber[col] = 1;
    this.delimiter = layout.delimiter.charCodeAt(0);
    this.mark = layout.decimal.charCodeAt(0);
    this.quotedLines = layout.quotedLines;
    this.fieldCount = n;
  }

  /**
   * Reads bytes[start, end). False, with the line left to the general path, unless it has
   * exactly `fieldCount` fields, each unquoted or wrapped in one pair of quotes (or the
   * whole line in one pair, for such files), and every number column holds a plain decimal
   * or nothing.
   */
  read(b: Uint8Array, start: number, end: number): boolean {
    const { delimiter, fieldCount, isNumber, from, to } = this;
    const quotes = !this.quotedLines;
    if (this.quotedLines) {
      if (end - start < 2 || b[start] !== QUOTE || b[end - 1] !== QUOTE) return false;
      start++;
      end--;
    }
    let i = start;
    for (let f = 0; ; f++) {
      if (f === fieldCount) return false;
      let stop = delimiter;
      if (quotes && i < end && b[i] === QUOTE) {
        stop = QUOTE;
        i++;
      }
      from[f] = i;
      if (isNumber[f] === 1) {
        i = this.number(b, i, end, stop, f);
        if (i < 0) return false;
      } else {
        while (i < end && b[i] !== stop) i++;
      }
      to[f] = i;
      if (stop === QUOTE) {
        if (i >= end) return false; // no closing quote
        i++;
      }
      if (i >= end) return f + 1 === fieldCount;
      if (b[i] !== delimiter) return false;
      i++;
    }
  }

  /**
   * A plain decimal ("1.10432", "-36304.2", "0") of at most 15 digits from b[i] up to `stop`
   * into value[f], returning where it ends, or -1 for anything else. The digits as an exact
   * integer over an exact power of ten is correctly rounded, so the value equals Number's
   * (and Python's float) bit for bit.
   */
  private number(b: Uint8Array, i: number, end: number, stop: number, f: number): number {
    const first = i;
    let negative = false;
    if (i < end && b[i] === MINUS) {
      negative = true;
      i++;
    }
    let m = 0;
    let digits = 0;
    let point = -1;
    for (; i < end; i++) {
      const c = b[i];
      if (c === stop) break;
      const d = c - 48;
      if (d >= 0 && d <= 9) {
        m = m * 10 + d;
        digits++;
      } else if (c === this.mark && point < 0) {
        point = i;
      } else {
        return -1;
      }
    }
    if (digits > 15 || (digits === 0 && i > first)) return -1;
    const v = digits === 0 ? NaN : point < 0 ? m : m / POW10[i - 1 - point];
    this.value[f] = negative ? -v : v;
    return i;
  }
}
