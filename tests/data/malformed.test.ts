// Broken inputs give the intended report or one clear sentence, never a crash: empty,
// header only, binary, bad rows of every reason, reversed order, duplicates, mixed date
// forms, and a 300 MB file without line breaks streamed lazily (never written or held).

import { describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.ts';
import { loadBars } from '../../src/data/load.ts';
import { MAX_LINE_CHARS } from '../../src/data/parse.ts';
import { expectUserError, fixture, load, utf8 } from './helpers.ts';

const HEAD = 'time,open,high,low,close,volume';
const row = (minute: number, o = '1.1000', h = '1.1010', l = '1.0990', c = '1.1005', v = '10') =>
  `2024-01-02 00:${String(minute).padStart(2, '0')},${o},${h},${l},${c},${v}`;
const file = (...rows: string[]) => `${[HEAD, ...rows].join('\n')}\n`;

describe('files that are not bars', () => {
  it.each([
    ['an empty file', '', /the file is empty/],
    ['only blank lines', '\n \r\n\t\n', /the file is empty/],
    ['a header only', `${HEAD}\n`, /has a header \(time, open, high, low, close, volume\) but no data rows/],
    ['lines without a delimiter', 'hello\nworld\n', /found no delimiter: line 1 is one field/],
    ['words without times', 'a;b;c\nd;e;f\n', /line 1 starts with no date or time/],
    ['a time column that holds no times', `${HEAD}\nfoo,1,1,1,1,1\nbar,1,1,1,1,1\n`, /found no column of dates or times/],
  ])('%s', async (_, text, pattern) => {
    await expectUserError(load(text), pattern);
  });

  it.each([
    ['binary bytes', Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256), /this file is binary, not text/],
    ['a ZIP (.xlsx) file', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), /ZIP archive .*save the sheet as CSV/],
    ['a gzip file', Uint8Array.from([0x1f, 0x8b, 8, 0, 0]), /gzip-compressed/],
    ['text with a NUL', utf8(`${HEAD}\n${row(0)}\u0000\n${row(1)}\n`), /binary/],
  ])('%s', async (_, bytes, pattern) => {
    await expectUserError(loadBars(bytes), pattern);
  });

  it('refuses a 300 MB file without line breaks after reading its first chunk', async () => {
    let pulled = 0;
    async function* lineless(): AsyncGenerator<Uint8Array> {
      const chunk = new Uint8Array(1 << 20).fill(0x78); // 'x'
      for (let i = 0; i < 300; i++) {
        pulled++;
        yield chunk;
      }
    }
    await expectUserError(loadBars(lineless()), new RegExp(`line 1 is longer than ${MAX_LINE_CHARS} characters`));
    expect(pulled).toBe(1);
  });

  it('refuses a 300 MB stream of random bytes at once', async () => {
    let pulled = 0;
    async function* noise(): AsyncGenerator<Uint8Array> {
      let s = 7;
      for (let i = 0; i < 300; i++) {
        pulled++;
        yield Uint8Array.from({ length: 1 << 20 }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24));
      }
    }
    await expectUserError(loadBars(noise()), /binary/);
    expect(pulled).toBe(1);
  });

  it('refuses a long line that starts after good ones', async () => {
    const text = file(row(0), row(1)) + 'y'.repeat(MAX_LINE_CHARS * 3);
    const bytes = utf8(text);
    async function* pieces() {
      for (let i = 0; i < bytes.length; i += 4096) yield bytes.slice(i, i + 4096);
    }
    await expectUserError(loadBars(pieces(), { chunkBytes: 4096 }), /line 4 is longer than/);
  });

  it('refuses a long line between good ones in any chunking, even one the fast path could read', async () => {
    const line = (m: number, note: string) => `2024-01-02 ${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')},${note},1.1,1.2,1.0,1.1`;
    const rows = Array.from({ length: 30_000 }, (_, i) => line(i, i === 15_000 ? 'x'.repeat(40_000) : 'ok'));
    const bytes = utf8(`time,note,open,high,low,close\n${rows.join('\n')}\n`);
    for (const chunkBytes of [3 << 20, 1 << 20, 65_536, 4097]) {
      await expectUserError(loadBars(bytes, { chunkBytes }), /^line 15002 is longer than 16384 characters/);
    }
  });

  it('counts the limit in characters, not bytes: 7,000 euro signs (21,000 bytes) in a cell are not too long', async () => {
    const text = `time,note,open,high,low,close\n${['00', '01', '02'].map((m) => `2024-01-02 00:${m},${'€'.repeat(7000)},1.1,1.2,1.0,1.1`).join('\n')}\n`;
    const bytes = utf8(text);
    async function* pieces() {
      for (let i = 0; i < bytes.length; i += 4096) yield bytes.slice(i, i + 4096);
    }
    expect((await loadBars(pieces())).report.rows_kept).toBe(3);
  });

  it('says why when no row is usable', async () => {
    await expectUserError(load(file(row(0, '-1'), row(1, '-2'))), /none of the 2 rows is a usable bar \(2 rejected, for example line 2: open -1 is not a positive price\)/);
    await expectUserError(load(file(row(0))), /only 1 of the 1 rows is a usable bar/);
  });
});

describe('rows that are rejected, counted and located', () => {
  it.each([
    ['wrong_column_count', '2024-01-02 00:01,1.1,1.2,1.0', 'line 3: 4 fields where the other rows have 6'],
    ['not_finite', row(1, 'NaN'), 'line 3: open "NaN" is not a finite number'],
    ['not_finite', row(1, '1.1', 'Infinity'), 'line 3: high "Infinity" is not a finite number'],
    ['bad_number', row(1, '1.1', '1.2', 'abc'), 'line 3: low "abc" is not a number'],
    ['bad_number', row(1, '1.1', '1.2', '1.0', ''), 'line 3: close "" is not a number'],
    ['non_positive_price', row(1, '-1.1'), 'line 3: open -1.1 is not a positive price'],
    ['non_positive_price', row(1, '1.1', '1.2', '0'), 'line 3: low 0 is not a positive price'],
    ['high_below_open', row(1, '1.1', '1.0', '1.2', '1.1'), 'line 3: high 1.0 is below open 1.1'],
    ['high_below_close', row(1, '1.0', '1.1032', '0.9', '1.1040'), 'line 3: high 1.1032 is below close 1.1040'],
    ['low_above_open', row(1, '1.1', '1.3', '1.15', '1.2'), 'line 3: low 1.15 is above open 1.1'],
    ['low_above_close', row(1, '1.2', '1.3', '1.15', '1.1'), 'line 3: low 1.15 is above close 1.1'],
    ['negative_volume', row(1, '1.1', '1.2', '1.0', '1.1', '-5'), 'line 3: volume -5 is negative'],
    ['bad_time', '2024-02-30 00:01,1.1,1.2,1.0,1.1,1', 'line 3: time "2024-02-30 00:01" is not a date and time written like the other rows'],
  ])('%s: %s', async (reason, bad, example) => {
    const { report, bars } = await load(file(row(0), bad, row(2), row(3)));
    expect(report.rows_read).toBe(4);
    expect(report.rows_kept).toBe(3);
    expect(report.rejected).toEqual({ [reason]: { count: 1, first_lines: [3], example } });
    expect(report.warnings).toContain('1 of 4 rows were rejected (see "rejected")');
    expect(bars.length).toBe(3);
  });

  it('rejects a unix time beyond the span of a date instead of failing on it', async () => {
    const unix = (s: number | string) => `${s},1.1,1.2,1.0,1.1,1`;
    const { report } = await load(`${HEAD}\n${[unix(1704153600), unix('1234567890123456'), unix(1704153720), unix(1704153780)].join('\n')}\n`);
    expect(report.time_format).toBe('unix_s');
    expect(report.rejected.bad_time?.first_lines).toEqual([3]);
    expect(report.rows_kept).toBe(3);
  });

  it('numbers lines as the loader splits them: a sep= line with a stray CR loses no row', async () => {
    for (const text of [`sep=,\r\r\n${file(row(0), row(1), row(2))}`, `sep=,\r\r\n${file(row(0), row(1), row(2)).replaceAll('\n', '\r\n')}`]) {
      const { report } = await load(text);
      expect(report.rows_read).toBe(3);
      expect(report.rows_kept).toBe(3);
    }
  });

  it('keeps the first five line numbers and the count of each reason', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => (i % 4 === 1 ? row(i, '1.1', '1.0') : row(i)));
    const { report } = await load(file(...rows));
    expect(report.rejected.high_below_open).toEqual({ count: 10, first_lines: [3, 7, 11, 15, 19], example: 'line 3: high 1.0 is below open 1.1' });
    expect(report.rows_kept).toBe(30);
  });

  it('sorts rows that are out of order and says so', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => row(19 - i, '1.1', '1.2', '1.0', (1 + i / 100).toFixed(2)));
    const { report, bars } = await load(file(...rows));
    expect(report).toMatchObject({ sorted: true, out_of_order: 19, rows_kept: 20, first_time: '2024-01-02T00:00:00Z', last_time: '2024-01-02T00:19:00Z' });
    expect(bars.close[0]).toBe(1.19);
    for (let i = 1; i < 20; i++) expect(bars.time[i]).toBeGreaterThan(bars.time[i - 1]);
  });

  it('keeps the last row of a duplicated time', async () => {
    const { report, bars } = await load(file(row(0), row(1, '1.1', '1.2', '1.0', '1.11'), row(1, '1.1', '1.2', '1.0', '1.15'), row(2)));
    expect(report).toMatchObject({ duplicates: 1, duplicate_lines: [3], rows_read: 4, rows_kept: 3, sorted: false });
    expect(bars.close[1]).toBe(1.15);
  });

  it('keeps the last row in file order when duplicates are also out of order', async () => {
    const { report, bars } = await load(file(row(2), row(1, '1.1', '1.2', '1.0', '1.11'), row(0), row(1, '1.1', '1.2', '1.0', '1.17')));
    expect(report).toMatchObject({ duplicates: 1, sorted: true, rows_kept: 3 });
    expect(bars.close[1]).toBe(1.17);
  });

  it('rejects the rows written in a second date form', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? `02/01/2024 00:${String(i).padStart(2, '0')},1.1,1.2,1.0,1.1,1` : row(i)));
    const { report } = await load(file(...rows));
    expect(report.time_format).toBe('ymd');
    expect(report.rows_kept).toBe(8);
    expect(report.rejected.bad_time).toMatchObject({ count: 4, first_lines: [4, 7, 10, 13] });
    expect(report.assumptions.join(' ')).toMatch(/4 of the first 12 time values are written another way/);
  });

  it('counts gaps and weekend gaps without filling them', async () => {
    const t = (d: number, h: number) => `2024-01-${String(d).padStart(2, '0')} ${String(h).padStart(2, '0')}:00,1.1,1.2,1.0,1.1,1`;
    // Hourly bars, Thursday 4th to Monday 8th: one weekday hole (2 bars) and the weekend.
    const rows = [t(4, 10), t(4, 11), t(4, 14), t(4, 15), t(5, 20), t(5, 21), t(7, 22), t(7, 23), t(8, 0)];
    const { report } = await load(file(...rows));
    expect(report).toMatchObject({ timeframe: 'H1', gaps: 3, weekend_gaps: 1, missing_bars: 2 + 28 + 48, rows_kept: 9 });
  });
});

describe('robustness', () => {
  it('never crashes on mangled files: a report or one UserError', async () => {
    const base = fixture('mt4.csv');
    let s = 12345;
    const rand = (n: number) => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % n);
    for (let k = 0; k < 150; k++) {
      const bytes = Array.from(base);
      for (let m = 0; m < 1 + rand(20); m++) {
        const at = rand(bytes.length);
        const op = rand(3);
        if (op === 0) bytes.splice(at, 1 + rand(8));
        else if (op === 1) bytes.splice(at, 0, rand(256));
        else bytes[at] = [44, 59, 9, 10, 13, 34, 46, 45][rand(8)];
      }
      try {
        const { report, bars } = await loadBars(Uint8Array.from(bytes));
        expect(report.rows_kept).toBe(bars.length);
        expect(report.rows_kept).toBeGreaterThanOrEqual(2);
      } catch (e) {
        if (!isUserError(e)) throw e;
        expect(e.message).not.toContain('\n');
      }
    }
  });
});
