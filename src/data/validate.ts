// Lines to bars, nothing silently lost (spec/DATA.md §2): each unusable row is rejected
// with a reason and counted, then the kept bars are sorted by time, duplicate times keep
// the last row, and the gaps are measured (gaps.ts). Typed arrays only. Plain lines arrive
// as batches of bars read in place by the fast path (plain.ts); any other line is split into
// cells and read the general way, which alone words the rejections.

import { UserError } from '../errors.ts';
import type { Layout } from './detect.ts';
import { OB_LEVELS, ORDER_BOOK_DIM } from './names.ts';
import { numberProblem, parseNumber } from './numbers.ts';
import { splitLine } from './parse.ts';
import type { PlainBatch, PlainSink } from './plain.ts';
import { disorder, measureGaps, stepRuns, type Gaps } from './gaps.ts';
import { parseTime, parseTimeOfDay } from './time.ts';
import type { Bars, DecimalMark, RejectReason, Rejection } from './types.ts';

/** How many line numbers a rejection reason keeps. */
export const FIRST_LINES = 5;

export interface BuildResult extends Gaps {
  bars: Bars;
  rowsRead: number;
  rejected: Partial<Record<RejectReason, Rejection>>;
  duplicates: number;
  duplicateLines: number[];
  outOfOrder: number;
  volumeSource: 'volume' | 'tick_volume' | 'none';
}

const PRICE_ROLES = ['open', 'high', 'low', 'close'] as const;
// A byte-order mark inside the file is a character of its line, as the fast path reads it.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** What is wrong with open/high/low/close (`p`), as [reason, role, role it is compared with]; null when nothing. */
function priceProblem(p: Float64Array): [RejectReason, number, number] | null {
  for (let j = 0; j < 4; j++) if (!(p[j] > 0)) return ['non_positive_price', j, j];
  const o = p[0];
  const h = p[1];
  const l = p[2];
  const c = p[3];
  return h < o ? ['high_below_open', 1, 0] : h < c ? ['high_below_close', 1, 3]
    : l > o ? ['low_above_open', 2, 0] : l > c ? ['low_above_close', 2, 3] : null;
}

export class BarBuilder implements PlainSink {
  private n = 0;
  private capacity = 0;
  private time = new Float64Array(0);
  private ohlc = [new Float64Array(0), new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  private volume = new Float64Array(0);
  /** Kept only when the file has a tick volume column (MetaTrader 5), which may stand in for volume. */
  private tickVolume: Float64Array | null = null;
  private ob: Float64Array | null = null;
  private lines = new Uint32Array(0);
  private rowsRead = 0;
  private rejected: Partial<Record<RejectReason, Rejection>> = {};
  private readonly priceCols: number[];
  private readonly price = new Float64Array(4);

  /** `expectedRows`: how many rows to make room for at once (0 when unknown). */
  constructor(private readonly layout: Layout, expectedRows = 0) {
    const c = layout.columns;
    this.priceCols = [c.open, c.high, c.low, c.close];
    if (layout.orderBookLevels > 0) this.ob = new Float64Array(0);
    if (c.tickVolume >= 0) this.tickVolume = new Float64Array(0);
    if (expectedRows > 0) this.grow(expectedRows);
  }

  get rows(): number {
    return this.rowsRead;
  }

  private grow(cap = Math.max(1024, this.capacity * 2)): void {
    const copy = (a: Float64Array, width = 1) => {
      const b = new Float64Array(cap * width);
      b.set(a);
      return b;
    };
    this.time = copy(this.time);
    this.ohlc = this.ohlc.map((a) => copy(a));
    this.volume = copy(this.volume);
    if (this.tickVolume !== null) this.tickVolume = copy(this.tickVolume);
    if (this.ob !== null) this.ob = copy(this.ob, ORDER_BOOK_DIM);
    const lines = new Uint32Array(cap);
    lines.set(this.lines);
    this.lines = lines;
    this.capacity = cap;
  }

  private reject(reason: RejectReason, line: number, message: () => string): void {
    const r = this.rejected[reason];
    if (r === undefined) this.rejected[reason] = { count: 1, first_lines: [line], example: message() };
    else {
      r.count++;
      if (r.first_lines.length < FIRST_LINES) r.first_lines.push(line);
    }
  }

  /** Plain bars, every check passed, from the fast path. */
  addBatch(b: PlainBatch, count: number): void {
    while (this.n + count > this.capacity) this.grow();
    const k = this.n;
    this.time.set(b.time.subarray(0, count), k);
    this.ohlc[0].set(b.open.subarray(0, count), k);
    this.ohlc[1].set(b.high.subarray(0, count), k);
    this.ohlc[2].set(b.low.subarray(0, count), k);
    this.ohlc[3].set(b.close.subarray(0, count), k);
    this.volume.set(b.volume.subarray(0, count), k);
    this.tickVolume?.set(b.tickVolume.subarray(0, count), k);
    this.ob?.set(b.book.subarray(0, count * ORDER_BOOK_DIM), k * ORDER_BOOK_DIM);
    this.lines.set(b.lines.subarray(0, count), k);
    this.n += count;
    this.rowsRead += count;
  }

  /** Line number `line`, bytes[start, end) of UTF-8 without its line break: the general path. */
  addLine(bytes: Uint8Array, start: number, end: number, line: number): void {
    if (line <= this.layout.headerLine) return; // a long header line, handed back to be measured
    this.addRow(splitLine(utf8.decode(bytes.subarray(start, end)), this.layout.delimiter, !this.layout.quotedLines), line);
  }

  /** The general path: a line as string cells, every rejection worded here. */
  private addRow(row: string[], line: number): void {
    const { layout } = this;
    const { columns: c, decimal, fieldCount, timeFormat } = layout;
    const last = row.length - 1;
    if (last === 0 && row[0].trim() === '') return;
    this.rowsRead++;
    if (layout.quotedLines) {
      if (row[0].startsWith('"')) row[0] = row[0].slice(1);
      if (row[last].endsWith('"')) row[last] = row[last].slice(0, -1);
    }
    if (row.length !== fieldCount) {
      this.reject('wrong_column_count', line, () => `line ${line}: ${row.length} fields where the other rows have ${fieldCount}`);
      return;
    }
    const timeCell = row[c.time].trim();
    const t = c.date >= 0
      ? parseTime(timeFormat, row[c.date].trim()) + parseTimeOfDay(timeCell, true)
      : parseTime(timeFormat, timeCell);
    if (Number.isNaN(t)) {
      const shown = c.date >= 0 ? `${row[c.date].trim()} ${timeCell}` : timeCell;
      this.reject('bad_time', line, () => `line ${line}: time "${shown}" is not a date and time written like the other rows`);
      return;
    }
    if (!this.prices(row, line, decimal)) return;
    const v = c.volume >= 0 ? this.cell(row, c.volume, 'volume', line, decimal) : 0;
    const tv = c.tickVolume >= 0 ? this.cell(row, c.tickVolume, 'tick volume', line, decimal) : 0;
    if (Number.isNaN(v) || Number.isNaN(tv)) return;
    if (v < 0 || tv < 0) {
      this.reject('negative_volume', line, () => `line ${line}: volume ${row[v < 0 ? c.volume : c.tickVolume]} is negative`);
      return;
    }
    if (this.n === this.capacity) this.grow();
    if (this.ob !== null && !this.orderBook(row, line, decimal, this.n * ORDER_BOOK_DIM)) return;
    this.store(t, v, tv, line);
  }

  /** Keeps a checked bar: its time, `this.price`, volumes and line (its order book is already in place). */
  private store(t: number, v: number, tv: number, line: number): void {
    const k = this.n++;
    this.time[k] = t;
    this.ohlc[0][k] = this.price[0];
    this.ohlc[1][k] = this.price[1];
    this.ohlc[2][k] = this.price[2];
    this.ohlc[3][k] = this.price[3];
    this.volume[k] = v;
    if (this.tickVolume !== null) this.tickVolume[k] = tv;
    this.lines[k] = line;
  }

  /** A number cell, or NaN after rejecting the row. */
  private cell(row: readonly string[], col: number, what: string, line: number, decimal: DecimalMark): number {
    const v = parseNumber(row[col], decimal);
    if (Number.isFinite(v)) return v;
    const cell = row[col].trim();
    const reason = Number.isNaN(v) ? numberProblem(cell) : 'not_finite';
    this.reject(reason, line, () => `line ${line}: ${what} "${cell}" is not ${reason === 'not_finite' ? 'a finite number' : 'a number'}`);
    return NaN;
  }

  /** Parses open/high/low/close into `this.price` and checks them; false after rejecting. */
  private prices(row: readonly string[], line: number, decimal: DecimalMark): boolean {
    const p = this.price;
    for (let j = 0; j < 4; j++) {
      p[j] = this.cell(row, this.priceCols[j], PRICE_ROLES[j], line, decimal);
      if (Number.isNaN(p[j])) return false;
    }
    const bad = priceProblem(p);
    if (bad !== null) {
      const [reason, a, b] = bad;
      const cell = (j: number) => `${PRICE_ROLES[j]} ${row[this.priceCols[j]].trim()}`;
      this.reject(reason, line, () => reason === 'non_positive_price'
        ? `line ${line}: ${cell(a)} is not a positive price`
        : `line ${line}: ${cell(a)} is ${a === 1 ? 'below' : 'above'} ${cell(b)}`);
      return false;
    }
    return true;
  }

  /** Order-book cells into the raw slots at `at`; an empty cell or a zero price is a missing level. */
  private orderBook(row: readonly string[], line: number, decimal: DecimalMark, at: number): boolean {
    const ob = this.ob as Float64Array;
    const slots = this.layout.orderBook;
    for (let s = 0; s < ORDER_BOOK_DIM; s++) {
      const col = slots[s];
      if (col < 0 || row[col].trim() === '') {
        ob[at + s] = 0;
        continue;
      }
      const v = this.cell(row, col, 'order-book value', line, decimal);
      if (Number.isNaN(v)) return false;
      if (v < 0) {
        const isPrice = Math.floor(s / OB_LEVELS) % 2 === 0;
        this.reject(isPrice ? 'non_positive_price' : 'negative_volume', line,
          () => `line ${line}: order-book ${isPrice ? 'price' : 'size'} ${row[col].trim()} is negative`);
        return false;
      }
      ob[at + s] = v;
    }
    return true;
  }

  finish(): BuildResult {
    const n = this.n;
    if (n < 2) throw new UserError(this.noBarsMessage(n));
    const { time, lines } = this;
    const runs = stepRuns(time.subarray(0, n));
    const { outOfOrder, repeats } = disorder(runs);
    // The rows to keep, in time order; needed only when some are out of order or repeat a time.
    let order = new Uint32Array(0);
    const duplicateLines: number[] = [];
    let duplicates = 0;
    if (outOfOrder > 0 || repeats > 0) {
      order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      if (outOfOrder > 0) order.sort((a, b) => time[a] - time[b] || a - b);
      // Equal times are now adjacent in file order: keep the last of each run.
      let kept = 0;
      for (let i = 0; i < n; i++) {
        if (i + 1 < n && time[order[i + 1]] === time[order[i]]) {
          duplicates++;
          if (duplicateLines.length < FIRST_LINES) duplicateLines.push(lines[order[i]]);
          continue;
        }
        order[kept++] = order[i];
      }
      order = order.slice(0, kept);
    }
    const sorted = outOfOrder === 0 && repeats === 0;
    const m = sorted ? n : order.length;
    // Arrays sized from the file's size are a few percent long: kept as they are, not copied.
    const trim = this.capacity - n <= n / 16 ? 'subarray' : 'slice';
    const pick = (a: Float64Array) => {
      if (sorted) return a[trim](0, n);
      const out = new Float64Array(m);
      for (let k = 0; k < m; k++) out[k] = a[order[k]];
      return out;
    };
    const pickBook = (a: Float64Array) => {
      if (sorted) return a[trim](0, n * ORDER_BOOK_DIM);
      const out = new Float64Array(m * ORDER_BOOK_DIM);
      for (let k = 0; k < m; k++) out.set(a.subarray(order[k] * ORDER_BOOK_DIM, (order[k] + 1) * ORDER_BOOK_DIM), k * ORDER_BOOK_DIM);
      return out;
    };
    const volumeSource = this.chooseVolume();
    const bars: Bars = {
      length: m,
      time: pick(time),
      open: pick(this.ohlc[0]),
      high: pick(this.ohlc[1]),
      low: pick(this.ohlc[2]),
      close: pick(this.ohlc[3]),
      volume: pick(volumeSource === 'tick_volume' ? this.tickVolume as Float64Array : this.volume),
      orderBook: this.ob === null ? null : pickBook(this.ob),
    };
    return { bars, rowsRead: this.rowsRead, rejected: this.rejected, duplicates, duplicateLines, outOfOrder, volumeSource,
      ...measureGaps(bars.time, sorted ? runs : stepRuns(bars.time)) };
  }

  private chooseVolume(): BuildResult['volumeSource'] {
    const { volume, tickVolume } = this.layout.columns;
    if (volume < 0) return 'none';
    if (tickVolume < 0) return 'volume';
    for (let i = 0; i < this.n; i++) if (this.volume[i] !== 0) return 'volume';
    return 'tick_volume';
  }

  private noBarsMessage(kept: number): string {
    if (this.rowsRead === 0) return 'the file has no data rows';
    const reasons = Object.values(this.rejected).sort((a, b) => b.count - a.count);
    const worst = reasons[0];
    const head = kept === 0 ? `none of the ${this.rowsRead} rows is a usable bar` : `only 1 of the ${this.rowsRead} rows is a usable bar`;
    return worst === undefined
      ? `${head}; at least 2 bars are needed`
      : `${head} (${worst.count} rejected, for example ${worst.example})`;
  }
}
