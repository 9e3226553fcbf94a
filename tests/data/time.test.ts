// Time cells: every written form of DATA.md §1 to UTC ms, invalid dates refused (NaN),
// and the timeframe names and weekend test used by the load report.

import { describe, expect, it } from 'vitest';
import { guessTime, isoUtc, parseTime, parseTimeOfDay, spansWeekend, timeframeName } from '../../src/data/time.ts';

const T = Date.UTC(2024, 0, 2, 13, 43, 5);

describe('parseTime', () => {
  it.each([
    ['ymd', '2024-01-02 13:43:05', T],
    ['ymd', '2024-01-02T13:43:05Z', T],
    ['ymd', '2024.01.02 13:43:05', T],
    ['ymd', '2024/01/02 13:43:05', T],
    ['ymd', '2024-01-02T15:43:05+02:00', T],
    ['ymd', '2024-01-02T08:43:05-0500', T],
    ['ymd', '2024-01-02 13:43:05.250', T + 250],
    ['ymd', '2024-01-02 13:43', T - 5000],
    ['ymd', '2024-01-02', Date.UTC(2024, 0, 2)],
    ['compact', '20240102 134305', T],
    ['compact', '20240102 134305250', T + 250],
    ['compact', '20240102', Date.UTC(2024, 0, 2)],
    ['dmy', '02/01/2024 13:43:05', T],
    ['dmy', '02.01.2024 13:43:05', T],
    ['mdy', '01/02/2024 13:43:05', T],
    ['unix_s', '1704203', NaN],
    ['unix_s', String(T / 1000), T],
    ['unix_ms', String(T), T],
    ['unix_us', `${T}000`, T],
    ['unix_ns', `${T}000000`, T],
  ] as const)('%s %s', (format, cell, expected) => {
    expect(parseTime(format, cell)).toBe(expected);
  });

  it.each(['2024-02-30 00:00', '2023-02-29', '2024-13-01', '2024-01-02 24:00', '2024-01-02 12:60', 'x', '', '2024-1-2x'])(
    'refuses %s', (cell) => expect(parseTime('ymd', cell)).toBeNaN(),
  );

  it('accepts 29 February of a leap year only', () => {
    expect(parseTime('ymd', '2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseTime('ymd', '1900-02-29')).toBeNaN();
    expect(parseTime('ymd', '2000-02-29')).toBe(Date.UTC(2000, 1, 29));
  });
});

describe('guessTime', () => {
  it('names the form and whether a zone is written', () => {
    expect(guessTime('2024.01.02')).toEqual({ format: 'ymd', dateOnly: true, zoned: false });
    expect(guessTime('2012-02-01 00:00:00+00:00')).toEqual({ format: 'ymd', dateOnly: false, zoned: true });
    expect(guessTime('20200501 000000')?.format).toBe('compact');
    expect(guessTime('1637971200000')?.format).toBe('unix_ms');
    expect(guessTime('1598918403696000')?.format).toBe('unix_us');
    expect(guessTime('1636608000')?.format).toBe('unix_s');
    expect(guessTime('1704153600000000000')?.format).toBe('unix_ns');
    expect(guessTime('25/12/2024')?.format).toBe('dmy');
    expect(guessTime('12/25/2024')?.format).toBe('mdy');
    expect(guessTime('1.10432')).toBeNull();
    expect(guessTime('36304')).toBeNull();
    expect(guessTime('BTCUSDT')).toBeNull();
  });
});

describe('helpers', () => {
  it('parses times of day', () => {
    expect(parseTimeOfDay('13:43')).toBe((13 * 60 + 43) * 60_000);
    expect(parseTimeOfDay('00:00:01.5')).toBe(1500);
    expect(parseTimeOfDay('134300')).toBeNaN();
    expect(parseTimeOfDay('134300', true)).toBe((13 * 60 + 43) * 60_000);
    expect(parseTimeOfDay('25:00')).toBeNaN();
  });

  it('names timeframes', () => {
    expect([60_000, 300_000, 900_000, 1_800_000, 3_600_000, 14_400_000, 86_400_000, 604_800_000].map(timeframeName))
      .toEqual(['M1', 'M5', 'M15', 'M30', 'H1', 'H4', 'D1', 'W1']);
    expect(timeframeName(120_000)).toBe('120s');
    expect(timeframeName(250)).toBe('0.25s');
  });

  it('writes ISO UTC with milliseconds only when there are any', () => {
    expect(isoUtc(T)).toBe('2024-01-02T13:43:05Z');
    expect(isoUtc(T + 7)).toBe('2024-01-02T13:43:05.007Z');
  });

  it('tells a weekend gap from a weekday gap', () => {
    const friday = Date.UTC(2024, 0, 5, 21, 0);
    expect(spansWeekend(friday, Date.UTC(2024, 0, 7, 22, 0))).toBe(true);
    expect(spansWeekend(Date.UTC(2024, 0, 3, 10), Date.UTC(2024, 0, 3, 12))).toBe(false);
  });
});
