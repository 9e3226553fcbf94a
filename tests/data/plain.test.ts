// The loader's fast path (src/data/plain.ts driving the WebAssembly of
// src/data/wasm/plain-lines.ts) against the general path it stands in for: every bar it
// keeps equals what the general path reads from the same text, whatever it declines the
// general path still reads, and whole files give the same bars whichever path each line takes.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadBars } from '../../src/data/load.ts';
import { noOrderBook } from '../../src/data/names.ts';
import { parseNumber } from '../../src/data/numbers.ts';
import { PlainLines, type PlainLayout } from '../../src/data/plain.ts';
import { parseTime } from '../../src/data/time.ts';
import { BarBuilder } from '../../src/data/validate.ts';
import { Rng } from '../../src/random.ts';
import { fixture, utf8 } from './helpers.ts';

/** time,open,high,low,close,volume: the generic layout. */
const GENERIC: PlainLayout = {
  delimiter: ',', decimal: '.', quotedLines: false, fieldCount: 6, newline: '\n', headerLine: 0, timeFormat: 'ymd',
  columns: { date: -1, time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5, tickVolume: -1 },
  orderBook: noOrderBook(), orderBookLevels: 0,
};

interface Kept {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Runs `text` through the fast path in `chunk`-byte pieces: the bars it keeps by line number, and the lines it declines. */
function fastPath(text: string, layout: Partial<PlainLayout> = {}, chunk = Infinity) {
  const lines = new PlainLines();
  const kept = new Map<number, Kept>();
  const declined: number[] = [];
  const order: number[] = [];
  lines.start({ ...GENERIC, ...layout }, {
    addBatch(b, count) {
      for (let i = 0; i < count; i++) {
        kept.set(b.lines[i], { time: b.time[i], open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i], volume: b.volume[i] });
        order.push(b.lines[i]);
      }
    },
    addLine(_bytes, _start, _end, line) {
      declined.push(line);
      order.push(line);
    },
  });
  const bytes = utf8(text);
  for (let i = 0; i < bytes.length; i += Math.min(chunk, bytes.length)) lines.push(bytes.subarray(i, i + chunk));
  lines.end();
  return { kept, declined, order };
}

/** One line through the fast path: its bar, or null when declined. */
function fastLine(line: string, layout: Partial<PlainLayout> = {}): Kept | null {
  const { kept, declined } = fastPath(line, layout);
  expect(kept.size + declined.length, line).toBe(1);
  return kept.get(1) ?? null;
}

describe('the fast path', () => {
  it('reads plain decimals bit for bit as the general path does', () => {
    const rng = new Rng(11);
    const cells: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(rng.next() * 15);
      const point = Math.floor(rng.next() * (digits + 1));
      let text = Array.from({ length: digits }, () => Math.floor(rng.next() * 10)).join('');
      if (point < digits) text = `${text.slice(0, point)}.${text.slice(point)}`;
      cells.push(text);
    }
    // Each decimal as all four prices, quoted one time in five, and without its point as the volume.
    const text = cells.map((c, i) => `2024-01-02,${(i % 5 === 0 ? `"${c}",` : `${c},`).repeat(4)}${c.replace('.', '')}`).join('\n');
    const { kept, declined } = fastPath(text);
    cells.forEach((c, i) => {
      const price = parseNumber(c, '.');
      if (price === 0) return expect(declined, c).toContain(i + 1); // not a positive price: the general path's to reject
      const bar = kept.get(i + 1)!;
      expect([bar.open, bar.high, bar.low, bar.close], c).toEqual([price, price, price, price]);
      expect(bar.volume, c).toBe(parseNumber(c.replace('.', ''), '.'));
    });
  });

  it('reads decimal commas when the delimiter is not a comma', () => {
    const bar = fastLine('2024-01-02;1,10432;1,2;0,5;1,1;7', { delimiter: ';', decimal: ',' });
    expect(bar).toEqual({ time: Date.UTC(2024, 0, 2), open: 1.10432, high: 1.2, low: 0.5, close: 1.1, volume: 7 });
  });

  it.each([
    ['sixteen digits', '2024-01-02,1.234567890123456,2,1,1,1'],
    ['an exponent', '2024-01-02,1e0,2,1,1,1'],
    ['a plus sign', '2024-01-02,+1,2,1,1,1'],
    ['a space', '2024-01-02, 1.1,2,1,1,1'],
    ['thousands separators', '2024-01-02,"1,234.5",2000,1,1,1'],
    ['a sign alone', '2024-01-02,-,2,1,1,1'],
    ['a point alone', '2024-01-02,.,2,1,1,1'],
    ['two points', '2024-01-02,1.2.3,2,1,1,1'],
    ['too few fields', '2024-01-02,1,2,1,1'],
    ['too many fields', '2024-01-02,1,2,1,1,1,1'],
    ['an unclosed quote', '2024-01-02,"1.1,2,1,1,1'],
    ['an escaped quote', '2024-01-02,"1""1",2,1,1,1'],
    ['text after a closing quote', '2024-01-02,"1.1"x,2,1,1,1'],
    ['an empty volume', '2024-01-02,1,2,1,1,'],
    ['a negative price', '2024-01-02,-1,2,1,1,1'],
    ['a zero price', '2024-01-02,1,2,0,1,1'],
    ['a high below the close', '2024-01-02,1,2,1,3,1'],
    ['a low above the open', '2024-01-02,1,2,1.5,2,1'],
    ['a negative volume', '2024-01-02,1,2,1,1,-1'],
    ['a time with a zone', '2024-01-02T00:00:00Z,1,2,1,1,1'],
    ['a line of spaces', '   '],
  ])('declines %s, which the general path reads', (_, line) => {
    expect(fastLine(line)).toBeNull();
  });

  it('hands a blank line to the general path, which skips it', () => {
    const { kept, declined } = fastPath('2024-01-02,1,2,1,1,1\n\n2024-01-03,1,2,1,1,1\n');
    expect([[...kept.keys()], declined]).toEqual([[1, 3], [2]]);
  });

  it('treats a quote inside a text field as a character, as papaparse does', () => {
    const symbol = { fieldCount: 7, columns: { date: -1, time: 1, open: 2, high: 3, low: 4, close: 5, volume: 6, tickVolume: -1 } };
    expect(fastLine('ab"c,2024-01-02,1,2,1,1,1', symbol)).not.toBeNull();
  });

  it('reads random dates and times, separators and widths, exactly as parseTime does', () => {
    const rng = new Rng(5);
    const pad = (v: number, n = 2) => String(v).padStart(n, '0');
    const cells: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const sep = ['-', '.', '/'][Math.floor(rng.next() * 3)];
      // Days up to 31 in every month: an invalid date is declined, and parseTime gives NaN.
      const date = `${1990 + Math.floor(rng.next() * 50)}${sep}${pad(1 + Math.floor(rng.next() * 12))}${sep}${pad(1 + Math.floor(rng.next() * 31))}`;
      const clock = `${pad(Math.floor(rng.next() * 24))}:${pad(Math.floor(rng.next() * 60))}`;
      cells.push(date, `${date} ${clock}`, `${date}T${clock}:${pad(Math.floor(rng.next() * 60))}`);
    }
    const { kept } = fastPath(cells.map((c) => `${c},1,2,1,1,1`).join('\n'));
    cells.forEach((c, i) => expect(kept.get(i + 1)?.time ?? NaN, c).toEqual(parseTime('ymd', c)));
  });

  it('reads a separate time-of-day column, as MetaTrader 4 writes it', () => {
    const mt4 = { fieldCount: 7, columns: { date: 0, time: 1, open: 2, high: 3, low: 4, close: 5, volume: 6, tickVolume: -1 } };
    expect((fastLine('2024.01.02,13:43,1,2,1,1,1', mt4))?.time).toBe(Date.UTC(2024, 0, 2, 13, 43));
    expect((fastLine('2024.01.02,13:43:59,1,2,1,1,1', mt4))?.time).toBe(Date.UTC(2024, 0, 2, 13, 43, 59));
    for (const clock of ['25:00', '0:00', '13:43:5', '13:60']) expect(fastLine(`2024.01.02,${clock},1,2,1,1,1`, mt4), clock).toBeNull();
  });

  it('declines the time forms it does not cover, which parseTime then reads', () => {
    for (const cell of ['2024-01-02 00:00:00.250', '2024-01-02T00:00:00Z', '2024-1-2', ' 2024-01-02']) {
      expect(fastLine(`${cell},1,2,1,1,1`), cell).toBeNull();
    }
    expect(fastLine('02.01.2024,1,2,1,1,1', { timeFormat: 'dmy' })).toBeNull();
  });

  it('reads whole unix timestamps exactly as parseTime does', () => {
    for (const [format, cell] of [['unix_s', '1704153600'], ['unix_ms', '1704153600123'], ['unix_us', '170415360012345']] as const) {
      expect((fastLine(`${cell},1,2,1,1,1`, { timeFormat: format }))?.time).toBe(parseTime(format, cell));
    }
    expect(fastLine('1704153600123456789,1,2,1,1,1', { timeFormat: 'unix_ns' })).toBeNull(); // past 2^53: the general path's
    expect(fastLine('1704153600.5,1,2,1,1,1', { timeFormat: 'unix_ms' })).toBeNull();
    expect(fastLine('999999999999999,1,2,1,1,1', { timeFormat: 'unix_s' })).toBeNull(); // beyond a Date
  });

  it('splits and numbers lines as the file has them, in any chunking, in file order', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => (i % 997 === 5 ? 'not,a,bar' : `${1704153600 + 60 * i},1,2,1,1,${i}`));
    const text = ['header', ...rows].join('\r\n');
    const whole = fastPath(text, { timeFormat: 'unix_s', headerLine: 1 });
    expect(whole.declined).toEqual(rows.flatMap((r, i) => (r === 'not,a,bar' ? [i + 2] : [])));
    expect(whole.kept.size).toBe(rows.length - whole.declined.length);
    expect(whole.order).toEqual(rows.map((_, i) => i + 2)); // the header skipped, every other line once, in order
    expect(whole.kept.get(10_001)).toEqual({ time: (1704153600 + 60 * 9999) * 1000, open: 1, high: 2, low: 1, close: 1, volume: 9999 });
    for (const chunk of [1, 7, 4096]) expect(fastPath(text, { timeFormat: 'unix_s', headerLine: 1 }, chunk)).toEqual(whole);
    const cr = fastPath(`${text}\r\n`.replaceAll('\r\n', '\r'), { timeFormat: 'unix_s', headerLine: 1, newline: '\r' }, 1000);
    expect(cr).toEqual(whole);
  });
});

describe('whole files', () => {
  const rng = new Rng(3);
  const bars = Array.from({ length: 500 }, (_, i) => {
    const open = 1.1 + rng.next() * 0.01;
    const close = 1.1 + rng.next() * 0.01;
    return {
      time: new Date(Date.UTC(2024, 0, 2) + i * 60_000).toISOString().slice(0, 19).replace('T', ' '),
      cells: [open, Math.max(open, close) + 0.0002, Math.min(open, close) - 0.0002, close].map((p) => p.toFixed(5)),
      volume: String(1 + Math.floor(rng.next() * 500)),
    };
  });
  const plain = (b: (typeof bars)[number]) => [b.time, ...b.cells, b.volume].join(',');
  // The same values in forms only the general path reads.
  const general = (b: (typeof bars)[number]) => [` ${b.time}`, ...b.cells.map((c) => ` ${c}`), `+${b.volume}`].join(',');
  const header = 'time,open,high,low,close,volume';

  it('give the same bars whichever path each line takes', async () => {
    const fast = await loadBars(utf8([header, ...bars.map(plain)].join('\n')));
    const slow = await loadBars(utf8([header, ...bars.map(general)].join('\n')));
    const mixed = await loadBars(utf8([header, ...bars.map((b, i) => (i % 3 === 0 ? general(b) : plain(b)))].join('\n')));
    expect(fast.report.rows_kept).toBe(500);
    for (const other of [slow, mixed]) {
      expect(other.report.rows_kept).toBe(500);
      expect(other.bars).toEqual(fast.bars);
    }
  });

  afterEach(() => vi.restoreAllMocks());

  /** Loads `text`, counting the lines the fast path read in place. */
  async function loadCounting(text: string) {
    const general = vi.spyOn(BarBuilder.prototype, 'addLine');
    const result = await loadBars(utf8(text));
    const fast = result.report.rows_read - general.mock.calls.length;
    general.mockRestore();
    return { ...result, fast };
  }

  it('read order books the same way on both paths: empty levels, negative sizes', async () => {
    // The fixture's times end in Z, which only the general path reads: here they are plain.
    const lines = new TextDecoder().decode(fixture('orderbook-bars.csv')).trim().split('\n')
      .map((l) => l.replace(/T(\d\d:\d\d:\d\d)Z/, ' $1'));
    lines[5] = lines[5].split(',').map((c, j) => (j === 16 ? `-${c}` : c)).join(','); // a negative bid size: rejected either way
    const general = lines.map((l, i) => (i === 0 ? l : l.split(',').map((c, j) => (j > 0 && c !== '' ? ` ${c}` : c)).join(',')));
    const fast = await loadCounting(lines.join('\n'));
    const slow = await loadCounting(general.join('\n'));
    expect(fast.fast).toBe(lines.length - 2); // every data line read in place but the negative size, left to the general path
    expect(slow.fast).toBe(0);
    expect(fast.report.rejected).toEqual({ negative_volume: { count: 1, first_lines: [6], example: expect.stringMatching(/^line 6: order-book size -/) } });
    expect(fast.bars).toEqual(slow.bars);
    expect((fast.bars.orderBook as Float64Array).filter((v) => v === 0).length).toBeGreaterThan(0); // empty levels are zeros
    const { sha256: _a, bytes: _b, ...fastReport } = fast.report;
    const { sha256: _c, bytes: _d, ...slowReport } = slow.report;
    expect(fastReport).toEqual({ ...slowReport, rejected: { negative_volume: { ...slowReport.rejected.negative_volume!, example: expect.any(String) } } });
  });

  it('agree on a byte-order mark inside the file: a character of its line', async () => {
    const text = ['symbol,venue,time,open,high,low,close,volume', ...[0, 1, 2, 3].map((m) => `EURUSD,x,2024-01-02 00:0${m},1.1,1.2,1.0,1.15,13`),
      '\ufeff"EURUSD,x",2024-01-02 00:04,1.1,1.2,1.0,1.15,13', 'EURUSD,x,2024-01-02 00:05,1.1,1.2,1.0,1.15,13'].join('\n');
    const fast = await loadCounting(text);
    const slow = await loadCounting(text.replaceAll(',1.1,', ', 1.1,'));
    expect(slow.fast).toBe(0);
    expect(fast.report.rows_kept).toBe(6);
    expect(slow.bars).toEqual(fast.bars);
  });

  it('keep file order across the paths: the later of two equal times wins', async () => {
    const [a, b] = bars;
    const later = { ...b, time: a.time };
    const { bars: kept, report } = await loadBars(utf8([header, general(a), plain(later), plain(bars[2])].join('\n')));
    expect(report.duplicates).toBe(1);
    expect(report.duplicate_lines).toEqual([2]);
    expect(kept.open[0]).toBe(Number(later.cells[0]));
  });
});
