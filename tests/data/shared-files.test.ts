// Every real file in ../shared/data is detected as what it is. Kept-row counts and time
// ranges are checked twice over: against a tiny independent reader written here (split
// lines, one rule per layout) and against the figures in SOURCES.md. Skips without the folder.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/data/load.ts';
import type { BarFormat, Columns, Delimiter } from '../../src/data/types.ts';
import { HAS_SHARED_DATA, SHARED_DATA, chunked, expectUserError } from './helpers.ts';

/** How the independent reader turns a row into an ISO time (zone-less times are UTC). */
type TimeRule = 'date+hm' | 'date+hms' | 'compact' | 'iso' | 'unix_ms' | 'unix_s' | 'date';

interface BarFile {
  file: string;
  format: BarFormat;
  delimiter: Delimiter;
  header: boolean;
  columns: Columns;
  timeframe: string;
  rule: TimeRule;
  quoted?: boolean;
  /** Where the independent reader finds time and OHLC. */
  timeAt: number;
  ohlcAt: number;
}

const BAR_FILES: BarFile[] = [
  { file: 'mt5-export_EURUSD_H1_Nils3600.csv', format: 'mt5', delimiter: '\t', header: true, timeframe: 'H1', rule: 'date+hms', timeAt: 0, ohlcAt: 2,
    columns: { date: 0, time: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 } },
  { file: 'mt4_CADJPY1_jeremidaneau.csv', format: 'mt4', delimiter: ',', header: false, timeframe: 'M1', rule: 'date+hm', timeAt: 0, ohlcAt: 2,
    columns: { date: 0, time: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 } },
  { file: 'mt4-histdata_DAT_MT_EURUSD_M1_202006_ar-shestopal.csv', format: 'mt4', delimiter: ',', header: false, timeframe: 'M1', rule: 'date+hm', timeAt: 0, ohlcAt: 2,
    columns: { date: 0, time: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 } },
  { file: 'histdata-nt_DAT_NT_EURUSD_M1_202005_ar-shestopal.csv', format: 'histdata', delimiter: ',', header: false, timeframe: 'M1', rule: 'compact', timeAt: 0, ohlcAt: 1,
    columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 } },
  { file: 'headerless-tab_EURUSD1_ar-shestopal.csv', format: 'generic', delimiter: '\t', header: false, timeframe: 'M1', rule: 'iso', timeAt: 0, ohlcAt: 1,
    columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 } },
  { file: 'quoted-tab_EURUSD_M1_hadiforoughi.csv', format: 'generic', delimiter: '\t', header: true, timeframe: 'M1', rule: 'iso', timeAt: 0, ohlcAt: 1, quoted: true,
    columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 } },
  { file: 'binance-kline_ADABTC-1m-2021-11-27_nautilus.csv', format: 'binance', delimiter: ',', header: false, timeframe: 'M1', rule: 'unix_ms', timeAt: 0, ohlcAt: 1,
    columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 } },
  ...['gbpusd-m1-bid-2012', 'gbpusd-m1-ask-2012', 'usdjpy-m1-bid-2013', 'usdjpy-m1-ask-2013'].map((name): BarFile => ({
    file: `generic_fxcm-${name}_nautilus.csv`, format: 'generic', delimiter: ',', header: true, timeframe: 'M1', rule: 'iso', timeAt: 0, ohlcAt: 1,
    columns: { time: 0, open: 1, high: 2, low: 3, close: 4 },
  })),
  { file: 'generic_6EH4.XCME_1min_bars_20240101_20240131_nautilus.csv', format: 'generic', delimiter: ',', header: true, timeframe: 'M1', rule: 'iso', timeAt: 0, ohlcAt: 1,
    columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 } },
  { file: 'generic-splitdt_2006-01-02-volume-min-001_backtrader.csv', format: 'generic', delimiter: ',', header: true, timeframe: 'M1', rule: 'date+hms', timeAt: 0, ohlcAt: 2,
    columns: { date: 0, time: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 } },
  { file: 'yahoo_yhoo-1996-2014_backtrader.csv', format: 'yahoo', delimiter: ',', header: true, timeframe: 'D1', rule: 'date', timeAt: 0, ohlcAt: 1,
    columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 6 } },
  { file: 'yahoo_nvda-1999-2014_backtrader.csv', format: 'yahoo', delimiter: ',', header: true, timeframe: 'D1', rule: 'date', timeAt: 0, ohlcAt: 1,
    columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 6 } },
  { file: 'unix-seconds_EURUSD_M5_jesiqueira.csv', format: 'generic', delimiter: ',', header: true, timeframe: 'M5', rule: 'unix_s', timeAt: 1, ohlcAt: 2,
    columns: { time: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 } },
];

const NOT_BARS: [string, RegExp][] = [
  ['orderbook_binance-futures_book_snapshot_5_BTCUSDT_nautilus.csv', /order-book snapshots \(5 levels.*no open, high, low and close/],
  ['orderbook_binance-futures_book_snapshot_25_BTCUSDT_nautilus.csv', /order-book snapshots \(25 levels.*no open, high, low and close/],
  ['orderbook_binance-btcusdt-depth-snap_nautilus.csv', /ticks or quotes .*price.*not bars/],
  ['bidask-ticks_quote_tick_data_nautilus.csv', /line 1 holds a time and only 3 numbers.*not bars/],
  ['bidask-ticks_bidask_backtrader.csv', /ticks or quotes \(columns TIMESTAMP, BID, ASK\), not bars/],
];

/** The independent reader: ISO time of a row by the file's rule. */
function isoOf(cells: string[], at: number, rule: TimeRule): string {
  const a = cells[at];
  const b = cells[at + 1];
  switch (rule) {
    case 'date+hm': return `${a.replaceAll('.', '-')}T${b}:00Z`;
    case 'date+hms': return `${a.replaceAll('.', '-')}T${b}Z`;
    case 'compact': return `${a.slice(0, 4)}-${a.slice(4, 6)}-${a.slice(6, 8)}T${a.slice(9, 11)}:${a.slice(11, 13)}:${a.slice(13, 15)}Z`;
    case 'iso': {
      const s = a.replace('+00:00', '').replace(' ', 'T');
      return s.length === 16 ? `${s}:00Z` : `${s}Z`;
    }
    case 'unix_ms': return new Date(Number(a)).toISOString().replace('.000Z', 'Z');
    case 'unix_s': return new Date(Number(a) * 1000).toISOString().replace('.000Z', 'Z');
    case 'date': return `${a}T00:00:00Z`;
  }
}

function independentRead(spec: BarFile): { kept: number; first: string; last: string } {
  const lines = readFileSync(`${SHARED_DATA}${spec.file}`, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const times = new Set<string>();
  for (const line of lines.slice(spec.header ? 1 : 0)) {
    const cells = (spec.quoted ? line.slice(1, -1) : line).split(spec.delimiter);
    const [o, h, l, c] = cells.slice(spec.ohlcAt, spec.ohlcAt + 4).map(Number);
    if (!(o > 0 && h > 0 && l > 0 && c > 0 && h >= Math.max(o, c) && l <= Math.min(o, c))) continue;
    times.add(isoOf(cells, spec.timeAt, spec.rule));
  }
  const sorted = [...times].sort((x, y) => Date.parse(x) - Date.parse(y));
  return { kept: sorted.length, first: sorted[0], last: sorted[sorted.length - 1] };
}

/** Rows and period per file from SOURCES.md ("Period: 2024-01-02 00:00:00 .. 2025-03-28 23:00:00"). */
function sourcesFigures(): Map<string, { rows: number; first: string; last: string }> {
  const text = readFileSync(`${SHARED_DATA}SOURCES.md`, 'utf8');
  const out = new Map<string, { rows: number; first: string; last: string }>();
  for (const section of text.split(/^### /m).slice(1)) {
    const name = /^`([^`]+)`/.exec(section)?.[1];
    const rows = /^- Rows: (\d+)/m.exec(section)?.[1];
    const period = /^- Period: (\S+ \S+) \.\. (\S+ \S+)/m.exec(section);
    if (name === undefined || rows === undefined || period === null) continue;
    const iso = (s: string) => `${s.replace(' ', 'T')}Z`;
    out.set(name, { rows: Number(rows), first: iso(period[1]), last: iso(period[2]) });
  }
  return out;
}

describe.skipIf(!HAS_SHARED_DATA)('the shared market files', () => {
  const figures = HAS_SHARED_DATA ? sourcesFigures() : new Map();

  it.each(BAR_FILES)('$file is detected and loaded', async (spec) => {
    const bytes = readFileSync(`${SHARED_DATA}${spec.file}`);
    const { report, bars } = await loadBars(chunked(bytes, 1 << 16), { fileName: spec.file });
    expect({ format: report.format, delimiter: report.delimiter, header: report.header, columns: report.columns, timeframe: report.timeframe })
      .toEqual({ format: spec.format, delimiter: spec.delimiter, header: spec.header, columns: spec.columns, timeframe: spec.timeframe });
    expect(report.encoding).toBe('utf-8');
    expect(report.quoted_lines).toBe(spec.quoted === true);
    expect(report.order_book).toBe(false);

    const expected = independentRead(spec);
    expect(report.rows_kept).toBe(expected.kept);
    expect(report.first_time).toBe(expected.first);
    expect(report.last_time).toBe(expected.last);
    const source = figures.get(spec.file);
    expect(source, 'SOURCES.md lists the file').toBeDefined();
    expect(report.rows_read).toBe(source.rows);
    expect(report.rows_kept).toBe(source.rows);
    expect([report.first_time, report.last_time]).toEqual([source.first, source.last]);

    expect(bars.length).toBe(report.rows_kept);
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(`${SHARED_DATA}SOURCES.md`, 'utf8')).toContain(report.sha256);
    for (let i = 1; i < bars.length; i++) if (!(bars.time[i] > bars.time[i - 1])) throw new Error(`time not increasing at ${i}`);
  });

  it('takes MetaTrader tick volume when the real volume column is all zero', async () => {
    const { report } = await loadBars(readFileSync(`${SHARED_DATA}mt5-export_EURUSD_H1_Nils3600.csv`));
    expect(report.assumptions.join(' ')).toContain('<VOL> is 0 on every row, so volume is <TICKVOL>');
  });

  it.each(NOT_BARS)('%s is refused as not bars, in one sentence', async (file, pattern) => {
    await expectUserError(loadBars(readFileSync(`${SHARED_DATA}${file}`)), pattern);
  });
});
