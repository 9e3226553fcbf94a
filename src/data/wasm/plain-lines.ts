// The loader's fast path (spec/DATA.md §1), in AssemblyScript compiled to WebAssembly
// (`npm run wasm`, at install): code that runs at full speed from its first line, where
// JavaScript spends the first load of a file compiling itself. It splits UTF-8 lines, reads
// each plain one (plain decimals; fixed-width or unix times) into a batch of bars, and stops
// at any other line, which the loader reads the general way (src/data/validate.ts).
// src/data/plain.ts drives it; keep the two in step.

/** Bars per batch. */
export const BATCH: i32 = 4096;
/** Bytes of input: a piece of a chunk after the unfinished line carried over. */
export const INPUT_BYTES: i32 = 1 << 20;
/** Lines with more fields than this are all the general path's. */
export const MAX_FIELDS: i32 = 256;
/** The number columns of a bar, by role: open, high, low, close, volume, tick volume, then 40 order-book values. */
export const SLOTS: i32 = 46;
const PRICES: i32 = 4;
const VOLUME: i32 = 4;
const TICK_VOLUME: i32 = 5;
const BOOK: i32 = 6;
const BOOK_DIM: i32 = 40;

// What scan stopped at.
/** Every complete line is read; from `next` on is an unfinished line. */
export const NEED_MORE: i32 = 0;
/** The batch is full. */
export const BATCH_FULL: i32 = 1;
/** The line at lineStart..lineEnd is not plain (or is blank, or long). */
export const DECLINED: i32 = 2;

// How times are written (configure's timeKind).
export const TIME_NONE: i32 = 0; // no plain form: every line is declined
export const TIME_YMD: i32 = 1;
export const TIME_UNIX_S: i32 = 2;
export const TIME_UNIX_MS: i32 = 3;
export const TIME_UNIX_US: i32 = 4;
export const TIME_UNIX_NS: i32 = 5;

const QUOTE: i32 = 34;
const MINUS: i32 = 45;
const DASH: i32 = 45;
const DOT: i32 = 46;
const SLASH: i32 = 47;
const COLON: i32 = 58;
const SPACE: i32 = 32;
const LETTER_T: i32 = 84;
const CR: i32 = 13;
const MS_PER_DAY: f64 = 86_400_000;
/** The span of a JavaScript Date (ECMA-262 §21.4.1.1). */
const MAX_TIME_MS: f64 = 8.64e15;

// Shared with JavaScript, which views them in this module's memory (plain.ts).
export const input = new StaticArray<u8>(INPUT_BYTES);
/** Per role, its column, or -1 when the file has none. */
export const slots = new StaticArray<i32>(SLOTS);
/** Column-major, BATCH each: time (epoch ms), open, high, low, close, volume, tick volume. */
export const batch = new StaticArray<f64>(BATCH * 7);
/** Per bar of the batch, its 40 raw order-book values (used when the file has a book). */
export const batchBook = new StaticArray<f64>(BATCH * BOOK_DIM);
export const batchLines = new StaticArray<u32>(BATCH);
/** What scan leaves: bars in the batch, where to go on, the declined line's span, and its number (or the unfinished line's). */
export const state = new StaticArray<i32>(5);
const COUNT = 0;
const NEXT = 1;
const LINE_START = 2;
const LINE_END = 3;
const LINE_NUMBER = 4;

const POW10 = new StaticArray<f64>(16);
const isNumber = new StaticArray<bool>(MAX_FIELDS);
const value = new StaticArray<f64>(MAX_FIELDS);
const from = new StaticArray<i32>(MAX_FIELDS);
const to = new StaticArray<i32>(MAX_FIELDS);
for (let k = 0, p = 1.0; k < 16; k++, p *= 10) POW10[k] = p;

let fieldCount = 0;
let delimiter = 44;
let mark = 46;
let quotedLines: bool = false;
let breakByte = 10;
let headerLine = 0;
let longLine = 0;
let dateCol = -1;
let timeCol = 0;
let timeKind = TIME_NONE;
let withBook: bool = false;
let lineNumber = 1;
let count = 0;
// Consecutive bars nearly always share their date: the last one is remembered.
let lastDate = -1;
let lastDayMs: f64 = NaN;

/** Sets the layout for a new file; `slots` must be written first. */
/** `long`: bytes past which a line is declined, for the loader to measure against its limit. */
export function configure(
  fields: i32, delimiterByte: i32, markByte: i32, quoted: bool, lineBreak: i32, header: i32, long: i32,
  date: i32, time: i32, kind: i32, book: bool,
): void {
  fieldCount = fields;
  delimiter = delimiterByte;
  mark = markByte;
  quotedLines = quoted;
  breakByte = lineBreak;
  headerLine = header;
  longLine = long;
  dateCol = date;
  timeCol = time;
  timeKind = fields <= MAX_FIELDS ? kind : TIME_NONE;
  withBook = book;
  lineNumber = 1;
  lastDate = -1;
  for (let f = 0; f < MAX_FIELDS; f++) isNumber[f] = false;
  for (let s = 0; s < SLOTS; s++) if (slots[s] >= 0 && slots[s] < MAX_FIELDS) isNumber[slots[s]] = true;
}

/**
 * Reads the lines of input[pos, end) into a new batch until the batch is full, a line is
 * not plain, or only an unfinished line is left; `last` when the file ends at `end`, so
 * that its last line needs no line break. Lines are numbered from 1; a trailing CR is dropped.
 */
export function scan(pos: i32, end: i32, last: bool): i32 {
  count = 0;
  while (pos < end) {
    const stop = findBreak(pos, end);
    if (stop == end && !last) break;
    const start = pos;
    const lineEnd = stop > start && i32(input[stop - 1]) == CR ? stop - 1 : stop;
    const line = lineNumber++;
    pos = stop < end ? stop + 1 : end;
    const long = lineEnd - start > longLine; // for the loader to measure against its limit
    if (long || (line > headerLine && !readBar(start, lineEnd, line))) {
      state[LINE_START] = start;
      state[LINE_END] = lineEnd;
      state[LINE_NUMBER] = line;
      return finish(pos, DECLINED);
    }
    if (count == BATCH) return finish(pos, BATCH_FULL);
  }
  state[LINE_NUMBER] = lineNumber; // the unfinished line's
  return finish(pos, NEED_MORE);
}

/** Where the first line break at or after `pos` is, or `end`; sixteen bytes at a time. */
function findBreak(pos: i32, end: i32): i32 {
  const base = changetype<usize>(input);
  const needle = i8x16.splat(i8(breakByte));
  for (; pos + 16 <= end; pos += 16) {
    const hits = i8x16.bitmask(i8x16.eq(v128.load(base + pos), needle));
    if (hits != 0) return pos + ctz(hits);
  }
  while (pos < end && i32(input[pos]) != breakByte) pos++;
  return pos;
}

function finish(next: i32, status: i32): i32 {
  state[COUNT] = count;
  state[NEXT] = next;
  return status;
}

/** A line that passes every check of a bar joins the batch; false, with nothing kept, for any other. */
function readBar(start: i32, end: i32, line: i32): bool {
  if (timeKind == TIME_NONE || !readFields(start, end)) return false;
  const t = barTime();
  if (isNaN(t)) return false;
  const open = value[slots[0]];
  const high = value[slots[1]];
  const low = value[slots[2]];
  const close = value[slots[3]];
  // As validate.ts's priceProblem: positive, high the highest, low the lowest.
  if (!(open > 0 && high > 0 && low > 0 && close > 0)) return false;
  if (high < open || high < close || low > open || low > close) return false;
  const volume = slots[VOLUME] >= 0 ? value[slots[VOLUME]] : 0;
  const tickVolume = slots[TICK_VOLUME] >= 0 ? value[slots[TICK_VOLUME]] : 0;
  if (!(volume >= 0 && tickVolume >= 0)) return false; // an empty cell (NaN) is the general path's to reject
  const k = count;
  if (withBook) {
    // An empty cell is a missing level (0); a negative one is the general path's to reject.
    for (let s = 0; s < BOOK_DIM; s++) {
      const col = slots[BOOK + s];
      const v = col < 0 ? 0 : value[col];
      if (v < 0) return false;
      batchBook[k * BOOK_DIM + s] = isNaN(v) ? 0 : v;
    }
  }
  batch[k] = t;
  batch[BATCH + k] = open;
  batch[2 * BATCH + k] = high;
  batch[3 * BATCH + k] = low;
  batch[4 * BATCH + k] = close;
  batch[5 * BATCH + k] = volume;
  batch[6 * BATCH + k] = tickVolume;
  batchLines[k] = line;
  count = k + 1;
  return true;
}

/**
 * Splits input[start, end) into its fields, reading the number columns. False unless it
 * has exactly `fieldCount` fields, each unquoted or wrapped in one pair of quotes (or the
 * whole line in one pair, for such files), and every number column holds a plain decimal
 * or nothing.
 */
function readFields(start: i32, end: i32): bool {
  const quotes = !quotedLines;
  if (quotedLines) {
    if (end - start < 2 || i32(input[start]) != QUOTE || i32(input[end - 1]) != QUOTE) return false;
    start++;
    end--;
  }
  let i = start;
  for (let f = 0; f < fieldCount; f++) {
    let stop = delimiter;
    if (quotes && i < end && i32(input[i]) == QUOTE) {
      stop = QUOTE;
      i++;
    }
    from[f] = i;
    if (isNumber[f]) {
      i = readNumber(i, end, stop, f);
      if (i < 0) return false;
    } else {
      while (i < end && i32(input[i]) != stop) i++;
    }
    to[f] = i;
    if (stop == QUOTE) {
      if (i >= end) return false; // no closing quote
      i++;
    }
    if (i >= end) return f + 1 == fieldCount;
    if (i32(input[i]) != delimiter) return false;
    i++;
  }
  return false; // more fields than the other rows have
}

/**
 * A plain decimal ("1.10432", "-36304.2", "0") of at most 15 digits from input[i] up to
 * `stop` into value[f], returning where it ends, or -1 for anything else. The digits as an
 * exact integer over an exact power of ten is correctly rounded, so the value equals
 * JavaScript's Number (and Python's float) bit for bit.
 */
function readNumber(i: i32, end: i32, stop: i32, f: i32): i32 {
  const first = i;
  let negative = false;
  if (i < end && i32(input[i]) == MINUS) {
    negative = true;
    i++;
  }
  let m: i64 = 0; // exact: at most 15 digits are taken
  let digits = 0;
  let point = -1;
  for (; i < end; i++) {
    const c = i32(input[i]);
    if (c == stop) break;
    const d = c - 48;
    if (<u32>d <= 9) {
      m = m * 10 + d;
      digits++;
    } else if (c == mark && point < 0) {
      point = i;
    } else {
      return -1;
    }
  }
  if (digits > 15 || (digits == 0 && i > first)) return -1;
  const v: f64 = digits == 0 ? NaN : point < 0 ? f64(m) : f64(m) / POW10[i - 1 - point];
  value[f] = negative ? -v : v;
  return i;
}

/** The bar's time as epoch ms, from the usual fixed-width and unix forms; NaN for any other. */
function barTime(): f64 {
  if (dateCol < 0) return dateAt(timeCol);
  return dateAt(dateCol) + clockAt(from[timeCol], to[timeCol]);
}

function dateAt(col: i32): f64 {
  if (timeKind == TIME_YMD) return fixedYmd(from[col], to[col]);
  return plainUnix(from[col], to[col]);
}

/** The digits of input[i, j) as a number, or -1 if any is not a digit. */
function digitsAt(i: i32, j: i32): f64 {
  let v: i64 = 0; // exact: at most 15 digits are taken
  for (let k = i; k < j; k++) {
    const d = i32(input[k]) - 48;
    if (<u32>d > 9) return -1;
    v = v * 10 + d;
  }
  return f64(v);
}

/** "YYYY-MM-DD", "YYYY.MM.DD HH:MM", "YYYY-MM-DDTHH:MM:SS" in input[i, j). */
function fixedYmd(i: i32, j: i32): f64 {
  const n = j - i;
  if (n != 10 && n != 16 && n != 19) return NaN;
  const sep = i32(input[i + 4]);
  if ((sep != DASH && sep != DOT && sep != SLASH) || i32(input[i + 7]) != sep) return NaN;
  const y = digitsAt(i, i + 4);
  const mo = digitsAt(i + 5, i + 7);
  const d = digitsAt(i + 8, i + 10);
  if (y < 0 || mo < 0 || d < 0) return NaN;
  const day = dayMs(i32(y), i32(mo), i32(d));
  if (n == 10) return day;
  const t = i32(input[i + 10]);
  if (t != SPACE && t != LETTER_T) return NaN;
  return day + clockAt(i + 11, j);
}

/** "HH:MM" or "HH:MM:SS" in input[i, j) as ms after midnight. */
function clockAt(i: i32, j: i32): f64 {
  const n = j - i;
  if ((n != 5 && n != 8) || i32(input[i + 2]) != COLON || (n == 8 && i32(input[i + 5]) != COLON)) return NaN;
  const h = digitsAt(i, i + 2);
  const mi = digitsAt(i + 3, i + 5);
  const sec: f64 = n == 8 ? digitsAt(i + 6, i + 8) : 0;
  if (h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 59) return NaN;
  return ((h * 60 + mi) * 60 + sec) * 1000;
}

/** A whole unix timestamp of 8 to 15 digits (exact as a double) in input[i, j), as ms; NaN beyond a Date's span. */
function plainUnix(i: i32, j: i32): f64 {
  const n = j - i;
  if (n < 8 || n > 15) return NaN;
  const v = digitsAt(i, j);
  if (v < 0) return NaN;
  const ms = timeKind == TIME_UNIX_S ? v * 1000 : timeKind == TIME_UNIX_MS ? v : timeKind == TIME_UNIX_US ? v / 1e3 : v / 1e6;
  return Math.abs(ms) <= MAX_TIME_MS ? ms : NaN;
}

/** Midnight of y-mo-d as epoch ms, NaN for no such date. */
function dayMs(y: i32, mo: i32, d: i32): f64 {
  const key = (y * 100 + mo) * 100 + d;
  if (key != lastDate) {
    lastDate = key;
    lastDayMs = mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) ? NaN : f64(daysFromCivil(y, mo, d)) * MS_PER_DAY;
  }
  return lastDayMs;
}

function daysIn(y: i32, m: i32): i32 {
  if (m == 2) return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : 28;
  return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil); y >= 0 here. */
function daysFromCivil(y: i32, m: i32, d: i32): i32 {
  const yy = m <= 2 ? y - 1 : y;
  const era = (yy >= 0 ? yy : yy - 399) / 400;
  const yoe = yy - era * 400;
  const doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
}
