// From a file's opening lines to its layout: delimiter, header, column roles (by name, or
// by position for the headerless MetaTrader/HistData/Binance files), time format and the
// format's name (spec/DATA.md §1). What had to be assumed is said in `assumptions`; the
// user's ColumnMapping overrides any part. Files that are not bars fail here, in one sentence.

import { UserError } from '../errors.ts';
import { matchNames, noOrderBook, normalizeName, type NamedColumns } from './names.ts';
import {
  detectDecimal, detectDelimiter, detectHeader, detectNewline, detectQuotedLines, modalLength,
  sampleLines, splitLines, unquoteLine, type Newline, type SampleLine,
} from './sniff.ts';
import { dayMonthOrder, guessTime, isTimeOfDay, parseTimeOfDay, type TimeGuess } from './time.ts';
import type { BarFormat, ColumnMapping, DecimalMark, Delimiter, TimeFormat } from './types.ts';

/** Column indices; -1 when absent. `date >= 0` means `time` is a time-of-day column. */
export interface BarColumns {
  time: number;
  date: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  tickVolume: number;
}

export interface Layout {
  format: BarFormat;
  delimiter: Delimiter;
  newline: Newline;
  quotedLines: boolean;
  header: boolean;
  /** Line number of the header, or of a "sep=" line (0 when none); rows up to it are not data. */
  headerLine: number;
  names: string[] | null;
  decimal: DecimalMark;
  fieldCount: number;
  columns: BarColumns;
  timeFormat: TimeFormat;
  /** Times carry their zone (offsets, unix time), so nothing is assumed about UTC. */
  zoned: boolean;
  /** Column per raw order-book slot (names.ts ORDER_BOOK_DIM), -1 when absent. */
  orderBook: Int32Array;
  orderBookLevels: number;
  assumptions: string[];
}

const ROLE_LABELS = ['open', 'high', 'low', 'close'] as const;

function show(cells: readonly string[]): string {
  const text = cells.join(', ');
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function cellsAt(rows: readonly string[][], col: number): string[] {
  return rows.map((r) => r[col] ?? '').filter((c) => c !== '');
}

function allNumbers(rows: readonly string[][], col: number): boolean {
  const cells = cellsAt(rows, col);
  return cells.length > 0 && cells.every((c) => /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/.test(c));
}

/** The time form most sample cells share, or null when most are not times. */
function timeFormatOf(cells: readonly string[], assumptions: string[], what: string): TimeGuess | null {
  const guesses = cells.map(guessTime);
  // Day/month and month/day are one family until the values tell them apart.
  const family = (g: TimeGuess): TimeFormat => (g.format === 'mdy' ? 'dmy' : g.format);
  const counts = new Map<TimeFormat, number>();
  for (const g of guesses) if (g !== null) counts.set(family(g), (counts.get(family(g)) ?? 0) + 1);
  let format: TimeFormat | null = null;
  let best = 0;
  for (const [f, c] of counts) if (c > best) [format, best] = [f, c];
  if (format === null || best * 2 <= cells.length) return null;
  if (best < cells.length) {
    assumptions.push(`${cells.length - best} of the first ${cells.length} ${what} values are written another way; such rows are rejected`);
  }
  const first = guesses.find((g) => g !== null && family(g) === format) as TimeGuess;
  if (format === 'dmy') {
    const order = dayMonthOrder(cells);
    if (order === null) {
      assumptions.push(`dates like ${cells[0]} could be day/month or month/day; day/month was assumed (set time_format to "mdy" otherwise)`);
    }
    format = order ?? 'dmy';
  }
  return { ...first, format, zoned: guesses.every((g) => g === null || g.zoned) };
}

interface TimeChoice {
  time: number;
  date: number;
  guess: TimeGuess;
}

/** Date + time-of-day columns when both are there, else the first column holding times. */
function chooseTime(rows: readonly string[][], dateCols: readonly number[], todCols: readonly number[],
  timeCols: readonly number[], assumptions: string[]): TimeChoice | null {
  for (const d of dateCols) {
    for (const t of todCols) {
      const tods = cellsAt(rows, t);
      // A column named time may write 13:43:00 or, as Finam/MetaStock exports do, 134300.
      if (d === t || tods.length === 0 || !tods.every((c) => !Number.isNaN(parseTimeOfDay(c, true)))) continue;
      const guess = timeFormatOf(cellsAt(rows, d), assumptions, 'date');
      if (guess !== null && guess.dateOnly) return { time: t, date: d, guess };
    }
  }
  for (const t of timeCols) {
    const probe: string[] = [];
    const guess = timeFormatOf(cellsAt(rows, t), probe, 'time');
    if (guess !== null) {
      assumptions.push(...probe);
      return { time: t, date: -1, guess };
    }
  }
  return null;
}

function notBarsError(nc: NamedColumns, names: readonly string[], missing: string[]): UserError {
  if (nc.orderBookLevels > 0) {
    return new UserError(`this file holds order-book snapshots (${nc.orderBookLevelsFound} levels, columns ${show(names)}) ` +
      'but no open, high, low and close columns: the playground needs bars, with order-book columns optional');
  }
  if (nc.tickNames.length > 0) {
    return new UserError(`this file holds ticks or quotes (columns ${show(names)}), not bars: ` +
      'expected open, high, low and close columns');
  }
  return new UserError(`found no ${missing.join(', ')} column among ${show(names)}: ` +
    'expected a header like time,open,high,low,close,volume');
}

function byPosition(rows: readonly string[][], firstLine: SampleLine, assumptions: string[]): { columns: BarColumns; guess: TimeGuess } {
  const row = rows[0];
  for (const k of [0, 1]) {
    if (k === 1 && !allNumbers(rows, 0)) break;
    const cells = cellsAt(rows, k);
    const guess = timeFormatOf(cells, assumptions, 'time');
    if (guess === null) continue;
    let next = k + 1;
    let time = k;
    let date = -1;
    if (guess.dateOnly && row.length > k + 1 && cellsAt(rows, k + 1).every(isTimeOfDay)) [date, time, next] = [k, k + 1, k + 2];
    let numbers = 0;
    while (next + numbers < row.length && allNumbers(rows, next + numbers)) numbers++;
    if (numbers < 4) {
      throw new UserError(`line ${firstLine.line} holds a time and only ${numbers} number${numbers === 1 ? '' : 's'} after it ` +
        `(${show(row)}): that looks like ticks or quotes, not bars; bars need open, high, low and close after the time`);
    }
    const volume = numbers >= 5 ? next + 4 : -1;
    return { columns: { time, date, open: next, high: next + 1, low: next + 2, close: next + 3, volume, tickVolume: -1 }, guess };
  }
  throw new UserError(`line ${firstLine.line} starts with no date or time (${show(row)}): expected a time such as ` +
    '2024.01.02 00:00, 2024-01-02T00:00:00Z or a unix timestamp, followed by open, high, low, close and volume');
}

/** Maps header positions to row positions when a date's time-of-day column has no name. */
function alignNames(names: string[], fieldCount: number, rows: readonly string[][], assumptions: string[]): string[] {
  if (names.length === fieldCount) return names;
  if (fieldCount === names.length + 1) {
    const dates = matchNames(names).date;
    for (const d of dates) {
      if (cellsAt(rows, d + 1).every(isTimeOfDay) && guessTime(rows[0][d] ?? '')?.dateOnly) {
        assumptions.push(`the header names ${names.length} columns but rows have ${fieldCount}: column ${d + 2} holds the ` +
          `time of day of ${names[d]} and has no name, so the names after it were shifted by one`);
        return [...names.slice(0, d + 1), 'time', ...names.slice(d + 1)];
      }
    }
  }
  assumptions.push(`the header names ${names.length} columns but rows have ${fieldCount}; names and columns were matched from the left`);
  return fieldCount > names.length
    ? [...names, ...Array.from({ length: fieldCount - names.length }, () => '')]
    : names.slice(0, fieldCount);
}

function byName(names: string[], rows: readonly string[][], firstLine: SampleLine, assumptions: string[]):
  { columns: BarColumns; guess: TimeGuess; nc: NamedColumns } {
  const nc = matchNames(names);
  const missing = ROLE_LABELS.filter((r) => nc[r] < 0);
  if (missing.length > 0) {
    // Names we do not know (another language, a platform's own) but no sign of ticks or a
    // book: the usual order, time then open, high, low, close, may still fit.
    if (nc.orderBookLevels > 0 || nc.tickNames.length > 0) throw notBarsError(nc, names, [...missing]);
    try {
      const found: string[] = [];
      const positional = byPosition(rows, firstLine, found);
      assumptions.push(`the column names (${show(names)}) do not name ${missing.join(', ')}; columns were taken by position`, ...found);
      return { ...positional, nc };
    } catch {
      throw notBarsError(nc, names, [...missing]);
    }
  }
  const choice = chooseTime(rows, nc.date, nc.timeOfDay, nc.time, assumptions);
  if (choice === null) {
    const named = nc.time.length > 0 ? ` (column ${names[nc.time[0]]} holds ${rows[0][nc.time[0]] || 'nothing'})` : '';
    throw new UserError(`found no column of dates or times among ${show(names)}${named}: ` +
      'expected one like time or timestamp, or separate date and time columns');
  }
  const volume = nc.volume >= 0 ? nc.volume : nc.tickVolume;
  const tickVolume = nc.volume >= 0 ? nc.tickVolume : -1;
  const { open, high, low, close } = nc;
  return { columns: { time: choice.time, date: choice.date, open, high, low, close, volume, tickVolume }, guess: choice.guess, nc };
}

function fromMapping(mapping: ColumnMapping, fieldCount: number): BarColumns {
  const c = mapping.columns ?? {};
  const need = ['time', 'open', 'high', 'low', 'close'] as const;
  const missing = need.filter((r) => c[r] === undefined);
  if (missing.length > 0) throw new UserError(`the column mapping must say which column holds ${missing.join(', ')}`);
  for (const [role, index] of Object.entries(c)) {
    if (!Number.isInteger(index) || index < 0 || index >= fieldCount) {
      throw new UserError(`the column mapping puts ${role} in column ${index}, but rows have columns 0 to ${fieldCount - 1}`);
    }
  }
  return {
    time: c.time as number, date: c.date ?? -1, open: c.open as number, high: c.high as number, low: c.low as number,
    close: c.close as number, volume: c.volume ?? -1, tickVolume: c.tick_volume ?? -1,
  };
}

function formatName(header: boolean, rawNames: readonly string[] | null, columns: BarColumns, timeFormat: TimeFormat,
  firstRow: readonly string[], fieldCount: number): BarFormat {
  if (header && rawNames !== null) {
    const names = rawNames.map(normalizeName);
    if (rawNames.some((n) => /^<.*>$/.test(n.trim())) && (names.includes('tickvol') || names.includes('spread'))) return 'mt5';
    if (names.includes('adj_close')) return 'yahoo';
    return 'generic';
  }
  if (columns.date >= 0 && timeFormat === 'ymd' && /^\d{4}\.\d{2}\.\d{2}$/.test(firstRow[columns.date])) return 'mt4';
  if (timeFormat === 'compact') return 'histdata';
  if ((timeFormat === 'unix_ms' || timeFormat === 'unix_us') && fieldCount === 12) return 'binance';
  return 'generic';
}

/** The layout of a file from its opening text (`complete` when that is the whole file). */
export function detectLayout(sample: string, complete: boolean, mapping: ColumnMapping = {}): Layout {
  const assumptions: string[] = [];
  const newline = detectNewline(sample);
  let lines = sampleLines(sample, newline, complete);
  // Excel writes "sep=;" as a first line to name the delimiter.
  const sep = lines.length > 0 ? /^"?sep=([,;\t|])"?$/i.exec(lines[0].text.replace(/\r+$/, '')) : null;
  const skipLine = sep === null ? 0 : lines[0].line;
  if (sep !== null) lines = lines.slice(1);
  if (lines.length === 0) {
    throw new UserError('the file is empty: expected a CSV of bars, one line per bar with time, open, high, low, close');
  }
  const quotedLines = mapping.quoted_lines ?? detectQuotedLines(lines);
  if (quotedLines) lines = lines.map((l) => ({ ...l, text: unquoteLine(l.text) }));
  const texts = lines.map((l) => l.text);
  const quotes = !quotedLines;
  const delimiter = mapping.delimiter ?? (sep?.[1] as Delimiter | undefined) ?? detectDelimiter(texts, quotes);
  if (delimiter === null) {
    throw new UserError(`found no delimiter: line ${lines[0].line} is one field (${show([texts[0]])}); ` +
      'expected columns separated by commas, semicolons, tabs or |');
  }
  const rows = splitLines(texts, delimiter, quotes);
  const header = mapping.header ?? detectHeader(rows);
  const data = header ? rows.slice(1) : rows;
  if (data.length === 0) {
    throw new UserError(header
      ? `the file has a header (${show(rows[0])}) but no data rows`
      : `the file has no complete line of bars (line 1: ${show(rows[0])})`);
  }
  const firstData = lines[header ? 1 : 0];
  const fieldCount = modalLength(data).length;
  const decimal = mapping.decimal ?? detectDecimal(data, delimiter);
  const rawNames = header ? rows[0] : null;
  let columns: BarColumns;
  let guess: TimeGuess | null = null;
  let orderBook = noOrderBook();
  let orderBookLevels = 0;
  const fitted = data.filter((r) => r.length === fieldCount);
  if (mapping.columns !== undefined) {
    columns = fromMapping(mapping, fieldCount);
  } else if (rawNames !== null) {
    const named = byName(alignNames(rawNames, fieldCount, fitted, assumptions), fitted, firstData, assumptions);
    columns = named.columns;
    guess = named.guess;
    if (named.nc.orderBookLevels > 0) [orderBook, orderBookLevels] = [named.nc.orderBook, named.nc.orderBookLevels];
  } else {
    ({ columns, guess } = byPosition(fitted, firstData, assumptions));
    assumptions.push(`the file has no header; columns were taken by position (${describeColumns(columns)})`);
  }
  if (mapping.time_format !== undefined || guess === null) {
    const probe = timeFormatOf(cellsAt(fitted, columns.date >= 0 ? columns.date : columns.time), assumptions, 'time');
    guess = { format: mapping.time_format ?? probe?.format ?? 'ymd', dateOnly: false, zoned: probe?.zoned ?? false };
  }
  if (decimal === ',') assumptions.push('numbers use a decimal comma (1,1032 = 1.1032)');
  return {
    format: formatName(header, rawNames, columns, guess.format, fitted[0] ?? data[0], fieldCount),
    delimiter, newline, quotedLines, header, headerLine: header ? lines[0].line : skipLine,
    names: rawNames, decimal, fieldCount, columns, timeFormat: guess.format, zoned: guess.zoned,
    orderBook, orderBookLevels, assumptions,
  };
}

/** "time 0, open 1, ..." for messages. */
export function describeColumns(c: BarColumns): string {
  const parts: string[] = [];
  if (c.date >= 0) parts.push(`date ${c.date}`);
  parts.push(`time ${c.time}`, `open ${c.open}`, `high ${c.high}`, `low ${c.low}`, `close ${c.close}`);
  if (c.volume >= 0) parts.push(`volume ${c.volume}`);
  return parts.join(', ');
}
