// Bytes before bars: the streaming SHA-256 against node:crypto, encoding sniffing, the
// binary check, and a generated 1,000,000-row file streamed without ever existing whole.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadBars } from '../../src/data/load.ts';
import { Sha256 } from '../../src/data/sha256.ts';
import { checkText, detectEncoding } from '../../src/data/source.ts';
import { utf16, utf8 } from './helpers.ts';

describe('Sha256', () => {
  it('matches node:crypto for every padding case and any split', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131) & 255);
    for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300]) {
      const bytes = data.subarray(0, n);
      const h = new Sha256();
      for (let i = 0; i < n; i += 7) h.update(bytes.subarray(i, i + 7));
      expect(h.hex()).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});

describe('encodings and binary content', () => {
  it('reads byte-order marks and BOM-less UTF-16', () => {
    expect(detectEncoding(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]))).toMatchObject({ encoding: 'utf-8', bom: true });
    expect(detectEncoding(utf16('time,open', 'le'))).toMatchObject({ encoding: 'utf-16le', bom: true });
    expect(detectEncoding(utf16('time,open', 'be'))).toMatchObject({ encoding: 'utf-16be', bom: true });
    expect(detectEncoding(utf16('time,open,high,low', 'be', false))).toMatchObject({ encoding: 'utf-16be', bom: false });
    expect(detectEncoding(utf8('time,open,high,low'))).toMatchObject({ encoding: 'utf-8', bom: false, assumption: null });
  });

  it('tolerates a stray undecodable character but not binary', () => {
    expect(() => checkText(`Date;Open\n${'2024-01-02;1,1\n'.repeat(20)}\ufffd`)).not.toThrow();
    expect(() => checkText('a\u0001b\u0002c\u0003'.repeat(100))).toThrow(/binary/);
  });
});

describe('a 1,000,000-row file', () => {
  it('streams from a generator, chunk by chunk, into typed arrays', async () => {
    const rows = 1_000_000;
    const t0 = Date.UTC(2020, 0, 1);
    let progress = 0;
    async function* generate(): AsyncGenerator<Uint8Array> {
      const enc = new TextEncoder();
      yield enc.encode('timestamp,open,high,low,close,volume\n');
      for (let start = 0; start < rows; start += 20_000) {
        let text = '';
        for (let i = start; i < start + 20_000; i++) {
          const c = (1.1 + 0.001 * Math.sin(i / 50)).toFixed(5);
          text += `${t0 / 1000 + i * 60},${c},${c},${c},${c},${i % 97}\n`;
        }
        yield enc.encode(text);
      }
    }
    const { bars, report } = await loadBars(generate(), { onProgress: () => progress++ });
    expect(report).toMatchObject({ rows_read: rows, rows_kept: rows, timeframe: 'M1', gaps: 0, time_format: 'unix_s' });
    expect(bars.time[rows - 1]).toBe(t0 + (rows - 1) * 60_000);
    expect(bars.close).toBeInstanceOf(Float64Array);
    expect(progress).toBe(50); // 51 chunks; the header's, shorter than HEAD_BYTES, reaches the loader with the next
  }, 120_000);
});
