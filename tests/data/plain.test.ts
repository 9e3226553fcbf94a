// The loader's fast path (src/data/plain.ts and the byte-level time readers) against the
// general path it stands in for: every value it reads equals what the general path reads
// from the same text, whatever it declines the general path still reads, and whole files
// give the same bars whichever path each line takes.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadBars } from '../../src/data/load.ts';
import { parseNumber } from '../../src/data/numbers.ts';
import { PlainLineReader, type PlainLayout } from '../../src/data/plain.ts';
import { fixedClock, fixedYmd, parseTime, parseTimeOfDay, plainUnix } from '../../src/data/time.ts';
import { Rng } from '../../src/random.ts';
import { fixture, utf8 } from './helpers.ts';

const NUMBERS: PlainLayout = { delimiter: ',', decimal: '.', quotedLines: false, fieldCount: 3, numberColumns: [1, 2] };

function read(line: string, layout = NUMBERS): { ok: boolean; reader: PlainLineReader; bytes: Uint8Array } {
  const reader = new PlainLineReader(layout);
  const bytes = utf8(line);
  return { ok: reader.read(bytes, 0, bytes.length), reader, bytes };
}

describe('PlainLineReader', () => {
  it('reads plain decimals bit for bit as the general path does', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(rng.next() * 15);
      const point = Math.floor(rng.next() * (digits + 1));
      let text = Array.from({ length: digits }, () => Math.floor(rng.next() * 10)).join('');
      if (point < digits) text = `${text.slice(0, point)}.${text.slice(point)}`;
      if (rng.next() < 0.3) text = `-${text}`;
      const quoted = rng.next() < 0.2 ? `"${text}"` : text;
      const { ok, reader } = read(`t,${quoted},${text.replace('.', '')}`);
      expect(ok, text).toBe(true);
      expect(reader.value[1], text).toBe(parseNumber(text, '.'));
      expect(reader.value[2], text).toBe(parseNumber(text.replace('.', ''), '.'));
    }
  });

  it('reads decimal commas when the delimiter is not a comma', () => {
    const { ok, reader } = read('2024-01-02;1,10432;-0,5', { ...NUMBERS, delimiter: ';', decimal: ',' });
    expect(ok).toBe(true);
    expect([reader.value[1], reader.value[2]]).toEqual([parseNumber('1,10432', ','), -0.5]);
  });

  it('gives NaN for an empty number cell and locates every field', () => {
    const { ok, reader, bytes } = read('"2024-01-02 00:00",,7');
    expect(ok).toBe(true);
    expect(reader.value[1]).toBeNaN();
    expect(reader.value[2]).toBe(7);
    expect(new TextDecoder().decode(bytes.subarray(reader.from[0], reader.to[0]))).toBe('2024-01-02 00:00');
  });

  it.each([
    ['sixteen digits', 't,1.234567890123456,1'],
    ['an exponent', 't,1e5,1'],
    ['a plus sign', 't,+1,1'],
    ['a space', 't, 1.1,1'],
    ['thousands separators', 't,"1,234.5",1'],
    ['a sign alone', 't,-,1'],
    ['a point alone', 't,.,1'],
    ['two points', 't,1.2.3,1'],
    ['too few fields', 't,1'],
    ['too many fields', 't,1,2,3'],
    ['an unclosed quote', 't,"1.1,2'],
    ['an escaped quote', 't,"1""1",2'],
    ['text after a closing quote', 't,"1.1"x,2'],
  ])('declines %s, which the general path reads', (_, line) => {
    expect(read(line).ok).toBe(false);
  });

  it('treats a quote inside a text field as a character, as papaparse does', () => {
    const { ok, reader, bytes } = read('ab"c,1,2');
    expect(ok).toBe(true);
    expect(new TextDecoder().decode(bytes.subarray(reader.from[0], reader.to[0]))).toBe('ab"c');
  });
});

describe('the byte-level time readers', () => {
  const at = (text: string, fn: (b: Uint8Array, from: number, to: number) => number) => {
    const bytes = utf8(`x${text}x`);
    return fn(bytes, 1, bytes.length - 1);
  };

  it('agree with parseTime on random dates and times, separators and widths', () => {
    const rng = new Rng(5);
    const pad = (v: number, n = 2) => String(v).padStart(n, '0');
    for (let i = 0; i < 5000; i++) {
      const sep = ['-', '.', '/'][Math.floor(rng.next() * 3)];
      // Days up to 31 in every month: invalid dates must be NaN on both paths.
      const date = `${1990 + Math.floor(rng.next() * 50)}${sep}${pad(1 + Math.floor(rng.next() * 12))}${sep}${pad(1 + Math.floor(rng.next() * 31))}`;
      const clock = `${pad(Math.floor(rng.next() * 24))}:${pad(Math.floor(rng.next() * 60))}`;
      const seconds = `:${pad(Math.floor(rng.next() * 60))}`;
      for (const cell of [date, `${date} ${clock}`, `${date}T${clock}${seconds}`]) {
        expect(at(cell, fixedYmd), cell).toEqual(parseTime('ymd', cell));
      }
      expect(at(clock + seconds, fixedClock)).toBe(parseTimeOfDay(clock + seconds));
    }
  });

  it('decline what they do not cover, which parseTime then reads', () => {
    for (const cell of ['2024-01-02 00:00:00.250', '2024-01-02T00:00:00Z', '2024-1-2', ' 2024-01-02']) {
      expect(at(cell, fixedYmd), cell).toBeNaN();
    }
    expect(at('25:00', fixedClock)).toBeNaN();
    expect(at('0:00', fixedClock)).toBeNaN();
  });

  it('read whole unix timestamps exactly as parseTime does', () => {
    for (const [format, cell] of [['unix_s', '1704153600'], ['unix_ms', '1704153600123'], ['unix_us', '170415360012345']] as const) {
      expect(plainUnix(format, utf8(cell), 0, cell.length)).toBe(parseTime(format, cell));
    }
    expect(plainUnix('unix_ns', utf8('1704153600123456789'), 0, 19)).toBeNaN(); // past 2^53: the general path's
    expect(plainUnix('unix_ms', utf8('1704153600.5'), 0, 12)).toBeNaN();
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

  /** Loads `text`, counting the lines the fast path could read in place. */
  async function loadCounting(text: string) {
    const read = vi.spyOn(PlainLineReader.prototype, 'read');
    const result = await loadBars(utf8(text));
    const fast = read.mock.results.filter((r) => r.value === true).length;
    read.mockRestore();
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
    expect(fast.fast).toBe(lines.length - 1); // every data line read in place (the negative size then fails its check)
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
