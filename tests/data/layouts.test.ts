// Each layout of DATA.md §1 from the project's own small fixtures (tests/fixtures/data),
// UTF-16 files made here from the MT5 one, and the streaming invariant: any chunking of
// the bytes (down to a few bytes, splitting CRLF pairs and UTF-16 code units) gives the same bars.

import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/data/load.ts';
import type { BarFormat, Columns, Delimiter, TimeFormat } from '../../src/data/types.ts';
import { HEAD_BYTES } from '../../src/data/source.ts';
import { chunked, fixture, load, utf16, utf8 } from './helpers.ts';

const START = '2024-01-02T00:00:00Z';
const M1_END = '2024-01-02T00:29:00Z';
const D1_END = '2024-01-21T00:00:00Z';
const BARS = { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };
const SPLIT = { date: 0, time: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 };

interface Layout {
  file: string;
  format: BarFormat;
  delimiter: Delimiter;
  header: boolean;
  columns: Columns;
  time_format: TimeFormat;
  rows: number;
  last: string;
  extra?: Record<string, unknown>;
}

const LAYOUTS: Layout[] = [
  { file: 'mt5-export.txt', format: 'mt5', delimiter: '\t', header: true, columns: SPLIT, time_format: 'ymd', rows: 30, last: M1_END,
    extra: { line_ending: 'crlf' } },
  { file: 'mt4.csv', format: 'mt4', delimiter: ',', header: false, columns: SPLIT, time_format: 'ymd', rows: 30, last: M1_END,
    extra: { line_ending: 'crlf' } },
  { file: 'histdata-ascii-semicolon.csv', format: 'histdata', delimiter: ';', header: false, columns: BARS, time_format: 'compact', rows: 30, last: M1_END },
  { file: 'spreadsheet-decimal-comma.csv', format: 'generic', delimiter: ';', header: true, columns: BARS, time_format: 'dmy', rows: 20, last: D1_END,
    extra: { decimal: ',', timeframe: 'D1' } },
  { file: 'quoted-lines.csv', format: 'generic', delimiter: '\t', header: true, columns: BARS, time_format: 'ymd', rows: 30, last: M1_END,
    extra: { quoted_lines: true, line_ending: 'crlf' } },
  { file: 'quoted-fields.csv', format: 'generic', delimiter: ',', header: true, columns: SPLIT, time_format: 'ymd', rows: 30, last: M1_END,
    extra: { quoted_lines: false, line_ending: 'crlf' } },
  { file: 'bom-utf8.csv', format: 'generic', delimiter: ',', header: true, columns: BARS, time_format: 'ymd', rows: 30, last: M1_END,
    extra: { bom: true, encoding: 'utf-8' } },
  { file: 'binance-us.csv', format: 'binance', delimiter: ',', header: false, columns: BARS, time_format: 'unix_us', rows: 30, last: M1_END,
    extra: { assumed_utc: false } },
  { file: 'yahoo.csv', format: 'yahoo', delimiter: ',', header: true, columns: { ...BARS, volume: 6 }, time_format: 'ymd', rows: 20, last: D1_END,
    extra: { timeframe: 'D1' } },
  { file: 'generic-offset.csv', format: 'generic', delimiter: ',', header: true, columns: BARS, time_format: 'ymd', rows: 30, last: M1_END,
    extra: { assumed_utc: false } },
  { file: 'pipe-unix-seconds.csv', format: 'generic', delimiter: '|', header: true, columns: BARS, time_format: 'unix_s', rows: 30, last: M1_END },
  { file: 'unix-ns.csv', format: 'generic', delimiter: ',', header: true, columns: BARS, time_format: 'unix_ns', rows: 30, last: M1_END },
  { file: 'orderbook-bars.csv', format: 'generic', delimiter: ',', header: true, columns: BARS, time_format: 'ymd', rows: 30, last: M1_END,
    extra: { order_book: true, order_book_levels: 10 } },
  { file: 'tardis-bars.csv', format: 'generic', delimiter: ',', header: true, columns: BARS, time_format: 'unix_us', rows: 30, last: M1_END,
    extra: { order_book: true, order_book_levels: 3 } },
  { file: 'excel-sep.csv', format: 'generic', delimiter: ';', header: true, columns: SPLIT, time_format: 'ymd', rows: 3, last: '2024-01-02T00:02:00Z',
    extra: { decimal: ',' } },
  { file: 'dukascopy.csv', format: 'generic', delimiter: ',', header: true, columns: BARS, time_format: 'dmy', rows: 3, last: '2024-01-02T00:02:00Z' },
  { file: 'finam.csv', format: 'generic', delimiter: ',', header: true, time_format: 'compact', rows: 3, last: '2024-01-02T00:02:00Z',
    columns: { date: 2, time: 3, open: 4, high: 5, low: 6, close: 7, volume: 8 } },
];

describe('layouts', () => {
  it.each(LAYOUTS)('$file', async (spec) => {
    const { report, bars } = await loadBars(fixture(spec.file));
    expect(report).toMatchObject({
      format: spec.format, delimiter: spec.delimiter, header: spec.header, columns: spec.columns, time_format: spec.time_format,
      rows_read: spec.rows, rows_kept: spec.rows, rejected: {}, duplicates: 0, sorted: false,
      first_time: START, last_time: spec.last, timeframe: 'M1', ...spec.extra,
    });
    expect(bars.open[0]).toBeCloseTo(1.1, 10);
    expect(bars.high[1]).toBeCloseTo(1.10056, 10);
  });

  it('reads decimal commas with thousands dots', async () => {
    const { bars } = await loadBars(fixture('spreadsheet-decimal-comma.csv'));
    expect(bars.close[1]).toBe(1.10036);
    expect(bars.volume[1]).toBe(2700.5);
  });

  it('keeps 10 order-book levels in DATA.md order, missing levels as 0', async () => {
    const { bars } = await loadBars(fixture('orderbook-bars.csv'));
    const ob = bars.orderBook as Float64Array;
    expect(ob.length).toBe(30 * 40);
    expect([ob[0], ob[9], ob[10], ob[20], ob[30]]).toEqual([1.09995, 1.0995, 1.5, 1.10005, 2]);
    expect([ob[40 + 9], ob[40 + 19], ob[40 + 29], ob[40 + 39]]).toEqual([0, 0, 0, 0]);
  });

  it('maps Tardis bids[0]/asks[0] names to level 1, absent levels 0', async () => {
    const { bars } = await loadBars(fixture('tardis-bars.csv'));
    const ob = bars.orderBook as Float64Array;
    expect([ob[0], ob[10], ob[20], ob[30], ob[3]]).toEqual([1.09995, 1.5, 1.10005, 2, 0]);
  });
});

describe('encodings', () => {
  const text = new TextDecoder().decode(fixture('mt5-export.txt'));

  it.each([
    ['UTF-16LE with BOM', utf16(text, 'le'), 'utf-16le', true],
    ['UTF-16BE with BOM', utf16(text, 'be'), 'utf-16be', true],
    ['UTF-16LE without BOM', utf16(text, 'le', false), 'utf-16le', false],
  ] as const)('%s (as MT5 writes it)', async (_, bytes, encoding, bom) => {
    const { report, bars } = await loadBars(bytes);
    expect(report).toMatchObject({ encoding, bom, format: 'mt5', rows_kept: 30, first_time: START, last_time: M1_END });
    expect(bars.volume[1]).toBe(17);
    if (!bom) expect(report.assumptions[0]).toMatch(/no byte-order mark/);
  });
});

describe('streaming', () => {
  it.each(['mt5-export.txt', 'quoted-lines.csv', 'quoted-fields.csv', 'spreadsheet-decimal-comma.csv', 'orderbook-bars.csv', 'bom-utf8.csv'])(
    '%s gives the same bars and report in any chunking', async (file) => {
      const bytes = fixture(file);
      const whole = await loadBars(bytes);
      for (const size of [1, 2, 3, 7, 64, 1000]) {
        const parts = await loadBars(chunked(bytes, size), { chunkBytes: size });
        expect(parts.report).toEqual(whole.report);
        expect(parts.bars).toEqual(whole.bars);
      }
      const u16 = utf16(new TextDecoder().decode(bytes), 'le');
      const odd = await loadBars(chunked(u16, 5));
      expect(odd.bars).toEqual(whole.bars);
      // Without its byte-order mark, UTF-16 is told by its zero bytes, however it is chunked.
      const bare = utf16(new TextDecoder().decode(bytes), 'le', false);
      expect((await loadBars(chunked(bare, 3))).bars).toEqual(whole.bars);
    });

  it('reads a headerless file with a byte-order mark in 1-byte chunks: the mark is no part of line 1', async () => {
    const bytes = utf8(`\ufeff${['2024.01.02,00:00,1.1,1.2,1.0,1.15,10', '2024.01.02,00:01,1.15,1.2,1.1,1.12,11'].join('\r\n')}\r\n`);
    const { report } = await loadBars(chunked(bytes, 1));
    expect(report).toMatchObject({ bom: true, header: false, rows_kept: 2, rejected: {} });
  });

  it('reports progress per chunk, from bytes or a Blob', async () => {
    const bytes = fixture('orderbook-bars.csv');
    const seen: number[] = [];
    const whole = await loadBars(bytes, { chunkBytes: 1024, onProgress: (p) => seen.push(p.bytes) });
    expect(whole.report.rows_kept).toBe(30);
    // The first chunk holds the HEAD_BYTES the encoding and binary checks look at; then one per 1024.
    const after = Array.from({ length: Math.ceil((bytes.length - HEAD_BYTES) / 1024) }, (_, i) => Math.min(HEAD_BYTES + (i + 1) * 1024, bytes.length));
    expect(seen).toEqual([HEAD_BYTES, ...after]);
    // A Blob comes in its stream's own chunks: the last report is the whole file.
    const fromBlob: number[] = [];
    const blob = await loadBars(new Blob([bytes]), { onProgress: (p) => fromBlob.push(p.bytes) });
    expect(blob.bars).toEqual(whole.bars);
    expect(blob.report.sha256).toBe(whole.report.sha256);
    expect(fromBlob.at(-1)).toBe(bytes.length);
  });

  it('parses more rows than the sniffed sample, across many chunks', async () => {
    const lines = ['time,open,high,low,close'];
    for (let i = 0; i < 5000; i++) lines.push(`${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},1.1,1.2,1.0,1.1`);
    const { report } = await loadBars(chunked(new TextEncoder().encode(lines.join('\r\n')), 4096), { chunkBytes: 4096 });
    expect(report).toMatchObject({ rows_read: 5000, rows_kept: 5000, gaps: 0, line_ending: 'crlf', last_time: '2024-01-04T11:19:00Z' });
  });
});

describe('column mapping override', () => {
  const csv = 'a,b,c,d,e,f\n2024-01-02 00:00,1.2,1.3,1.1,1.25,5\n2024-01-02 00:01,1.25,1.3,1.2,1.22,6\n';

  it('falls back to positions when no name is known, and says so', async () => {
    const { report } = await load(csv);
    expect(report.columns).toEqual(BARS);
    expect(report.assumptions.join(' ')).toMatch(/the column names \(a, b, c, d, e, f\) do not name open, high, low; columns were taken by position/);
  });

  it('uses the mapping the user gives', async () => {
    const { bars, report } = await load(csv, { mapping: { columns: { time: 0, open: 1, high: 2, low: 3, close: 4 } } });
    expect(report.columns).toEqual({ time: 0, open: 1, high: 2, low: 3, close: 4 });
    expect(Array.from(bars.volume)).toEqual([0, 0]);
  });

  it('resolves day/month order from the data and states the assumption when it cannot', async () => {
    const ambiguous = 'date,open,high,low,close\n02/01/2024,1,1,1,1\n03/01/2024,1,1,1,1\n';
    const a = await load(ambiguous);
    expect(a.report.first_time).toBe(START);
    expect(a.report.assumptions.join(' ')).toMatch(/day\/month or month\/day; day\/month was assumed/);
    const b = await load(ambiguous, { mapping: { time_format: 'mdy' } });
    expect(b.report.first_time).toBe('2024-02-01T00:00:00Z');
    const us = await load('date,open,high,low,close\n01/02/2024,1,1,1,1\n01/13/2024,1,1,1,1\n');
    expect(us.report).toMatchObject({ time_format: 'mdy', last_time: '2024-01-13T00:00:00Z' });
  });

  it('rejects a mapping that misses a price column', async () => {
    await expect(load(csv, { mapping: { columns: { time: 0, open: 1, high: 2, low: 3 } } })).rejects.toThrow(/must say which column holds close/);
    await expect(load(csv, { mapping: { columns: { time: 0, open: 1, high: 2, low: 3, close: 9 } } })).rejects.toThrow(/columns 0 to 5/);
  });
});
