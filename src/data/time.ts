// Time cells to UTC epoch milliseconds, for every form of spec/DATA.md §1: text dates
// (ISO, MetaTrader dots, HistData compact, day/month), a separate time-of-day column,
// and unix s/ms/µs/ns. A time without a zone is UTC. Invalid cells give NaN, never a guess.

import type { TimeFormat } from './types.ts';

const ZONE = String.raw`\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?`;
const CLOCK = String.raw`(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?`;
const YMD = new RegExp(String.raw`^(\d{4})[-./](\d{1,2})[-./](\d{1,2})${CLOCK}${ZONE}$`, 'i');
const DMY = new RegExp(String.raw`^(\d{1,2})[-./](\d{1,2})[-./](\d{4})${CLOCK}${ZONE}$`, 'i');
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:[T ]?(\d{2})(\d{2})(\d{2})?(\d{1,6})?)?$/;
const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;
const TIME_OF_DAY_DIGITS = /^(\d{2})(\d{2})(\d{2})?$/;
const UNIX = /^\d{8,20}(?:\.\d+)?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MS_PER_DAY = 86_400_000;
/** The span of a JavaScript Date (ECMA-262 §21.4.1.1): a time beyond it is no time at all. */
const MAX_TIME_MS = 8.64e15;

function daysIn(y: number, m: number): number {
  return m === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 29 : DAYS[m - 1];
}

/** Fractional-second digits ("065", "5", "123456789") as ms, to the microsecond. */
function fraction(s: string | undefined): number {
  return s === undefined ? 0 : Number(s.padEnd(6, '0').slice(0, 6)) / 1000;
}

/** Minutes east of UTC for "Z", "+02:00", "-0500", "+02"; 0 when absent. */
function zoneMinutes(z: string | undefined): number {
  if (z === undefined || z.length <= 3) return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil): pure arithmetic. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

function compose(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return NaN;
  return daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

function fromMatch(m: RegExpExecArray, y: number, mo: number, d: number): number {
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const t = compose(y, mo, d, h, Number(m[5] ?? 0), Number(m[6] ?? 0), fraction(m[7]));
  return t - zoneMinutes(m[8]) * 60_000;
}

/** A unix timestamp in `format`'s unit as ms; NaN beyond the span of a Date. */
function unixMs(format: TimeFormat, v: number): number {
  const ms = format === 'unix_s' ? v * 1000 : format === 'unix_ms' ? v : format === 'unix_us' ? v / 1e3 : v / 1e6;
  return Math.abs(ms) <= MAX_TIME_MS ? ms : NaN;
}

/** A date (with or without time of day) or a unix timestamp, as UTC epoch ms; NaN if invalid. */
export function parseTime(format: TimeFormat, s: string): number {
  switch (format) {
    case 'ymd': {
      const m = YMD.exec(s);
      return m === null ? NaN : fromMatch(m, Number(m[1]), Number(m[2]), Number(m[3]));
    }
    case 'dmy':
    case 'mdy': {
      const m = DMY.exec(s);
      if (m === null) return NaN;
      const a = Number(m[1]);
      const b = Number(m[2]);
      return format === 'dmy' ? fromMatch(m, Number(m[3]), b, a) : fromMatch(m, Number(m[3]), a, b);
    }
    case 'compact': {
      const m = COMPACT.exec(s);
      if (m === null) return NaN;
      return compose(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0),
        Number(m[6] ?? 0), fraction(m[7]));
    }
    case 'unix_s':
    case 'unix_ms':
    case 'unix_us':
    case 'unix_ns': {
      return UNIX.test(s) ? unixMs(format, Number(s)) : NaN;
    }
    default:
      return format satisfies never;
  }
}

/** "13:43", "00:00:00", "17:00:00.065" or (only when `digits`) "134300", as ms after midnight. */
export function parseTimeOfDay(s: string, digits = false): number {
  const m = TIME_OF_DAY.exec(s) ?? (digits ? TIME_OF_DAY_DIGITS.exec(s) : null);
  if (m === null) return NaN;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const sec = Number(m[3] ?? 0);
  if (h > 23 || mi > 59 || sec > 59) return NaN;
  return ((h * 60 + mi) * 60 + sec) * 1000 + fraction(m[4]);
}

export function isTimeOfDay(s: string): boolean {
  return !Number.isNaN(parseTimeOfDay(s));
}

export interface TimeGuess {
  format: TimeFormat;
  /** The cell holds a date but no time of day (a time column may follow). */
  dateOnly: boolean;
  /** The cell carries an explicit zone (Z, +02:00), so it is not assumed to be UTC. */
  zoned: boolean;
}

/** What form a single time cell has, or null when it is not a time. */
export function guessTime(s: string): TimeGuess | null {
  let m = YMD.exec(s);
  if (m !== null && !Number.isNaN(parseTime('ymd', s))) {
    return { format: 'ymd', dateOnly: m[4] === undefined, zoned: m[8] !== undefined };
  }
  m = DMY.exec(s);
  if (m !== null) {
    const format = Number(m[2]) > 12 ? 'mdy' : 'dmy';
    if (!Number.isNaN(parseTime(format, s))) return { format, dateOnly: m[4] === undefined, zoned: m[8] !== undefined };
  }
  m = COMPACT.exec(s);
  if (m !== null && Number(m[1]) >= 1900 && Number(m[1]) <= 2100 && !Number.isNaN(parseTime('compact', s))) {
    return { format: 'compact', dateOnly: m[4] === undefined, zoned: false };
  }
  if (UNIX.test(s)) {
    const v = Number(s);
    // Magnitudes of dates after 1973: seconds ~1e9, ms ~1e12, µs ~1e15, ns ~1e18.
    const format = v >= 1e17 ? 'unix_ns' : v >= 1e14 ? 'unix_us' : v >= 1e11 ? 'unix_ms' : v >= 1e8 ? 'unix_s' : null;
    if (format !== null) return { format, dateOnly: false, zoned: true };
  }
  return null;
}

/** For day/month cells: 'dmy' or 'mdy' when the values decide it, null while ambiguous. */
export function dayMonthOrder(cells: readonly string[]): 'dmy' | 'mdy' | null {
  for (const s of cells) {
    const m = DMY.exec(s);
    if (m === null) continue;
    if (Number(m[1]) > 12) return 'dmy';
    if (Number(m[2]) > 12) return 'mdy';
  }
  return null;
}

/** ISO 8601 in UTC, milliseconds only when there are any: "2024-01-02T00:00:00Z". */
export function isoUtc(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(Math.round(ms)).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

const TIMEFRAMES: ReadonlyMap<number, string> = new Map([
  [60_000, 'M1'], [300_000, 'M5'], [900_000, 'M15'], [1_800_000, 'M30'],
  [3_600_000, 'H1'], [14_400_000, 'H4'], [MS_PER_DAY, 'D1'], [7 * MS_PER_DAY, 'W1'],
]);

/** "M1", "H1", "D1", ... for the usual steps, otherwise "<n>s". */
export function timeframeName(stepMs: number): string {
  return TIMEFRAMES.get(stepMs) ?? `${Number((stepMs / 1000).toPrecision(12))}s`;
}

/** Whether the open interval (a, b) contains a Saturday noon UTC: a weekend gap for FX. */
export function spansWeekend(a: number, b: number): boolean {
  const day = Math.floor(a / MS_PER_DAY);
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 6 = Saturday
  let saturdayNoon = (day + ((6 - weekday + 7) % 7)) * MS_PER_DAY + MS_PER_DAY / 2;
  if (saturdayNoon <= a) saturdayNoon += 7 * MS_PER_DAY;
  return saturdayNoon < b;
}
