// loadBars: any trader's CSV to bars and the load report (spec/DATA.md §1-2), streaming.
// Bytes are hashed and decoded chunk by chunk; the opening lines decide the layout; then
// papaparse turns each chunk into rows that go straight into typed arrays.

import { UserError } from '../errors.ts';
import { detectLayout, type Layout } from './detect.ts';
import { CsvChunker, MAX_LINE_CHARS } from './parse.ts';
import { Sha256 } from './sha256.ts';
import { SNIFF_LINES } from './sniff.ts';
import { byteChunks, checkMagic, checkText, detectEncoding, sourceSize, type ByteSource, type EncodingGuess } from './source.ts';
import { isoUtc, timeframeName } from './time.ts';
import type { Bars, ColumnMapping, Columns, LoadReport } from './types.ts';
import { BarBuilder, type BuildResult } from './validate.ts';

export type { ByteSource } from './source.ts';

export interface LoadProgress {
  bytes: number;
  /** Total bytes when known (Uint8Array, Blob), else null. */
  total: number | null;
  rows: number;
}

export interface LoadOptions {
  mapping?: ColumnMapping;
  fileName?: string;
  /** Called after each chunk (1 MiB by default). */
  onProgress?: (p: LoadProgress) => void;
  chunkBytes?: number;
  signal?: AbortSignal;
}

export interface LoadResult {
  bars: Bars;
  report: LoadReport;
}

/** Counts line breaks (LF, CRLF or lone CR) up to `limit`. */
function countLines(text: string, limit: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && n < limit; i = text.indexOf('\n', i + 1)) n++;
  if (n === 0) for (let i = text.indexOf('\r'); i >= 0 && n < limit; i = text.indexOf('\r', i + 1)) n++;
  return n;
}

function lastLineLength(text: string): number {
  return text.length - 1 - Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
}

/** Decoded text in, bars out: holds text back until the opening lines fix the layout, then streams. */
class TextToBars {
  private sample = '';
  private stage: { layout: Layout; builder: BarBuilder; chunker: CsvChunker } | null = null;

  constructor(private readonly mapping: ColumnMapping | undefined) {}

  get rows(): number {
    return this.stage?.builder.rows ?? 0;
  }

  push(text: string, complete: boolean): void {
    if (this.stage === null) {
      this.sample += text;
      checkText(this.sample);
      if (!complete && countLines(this.sample, SNIFF_LINES + 1) <= SNIFF_LINES) {
        if (lastLineLength(this.sample) > MAX_LINE_CHARS) {
          throw new UserError(`line ${countLines(this.sample, Infinity) + 1} is longer than ${MAX_LINE_CHARS} characters: ` +
            'this is not a CSV of bars (it may be binary, or have no line breaks)');
        }
        return;
      }
      const layout = detectLayout(this.sample, complete, this.mapping);
      const builder = new BarBuilder(layout);
      const chunker = new CsvChunker({ delimiter: layout.delimiter, newline: layout.newline, quotes: !layout.quotedLines },
        (rows, first) => builder.addRows(rows, first));
      this.stage = { layout, builder, chunker };
      text = this.sample;
      this.sample = '';
    }
    this.stage.chunker.push(text);
  }

  finish(): { layout: Layout; result: BuildResult } {
    this.push('', true);
    const { layout, builder, chunker } = this.stage as NonNullable<TextToBars['stage']>;
    chunker.end();
    return { layout, result: builder.finish() };
  }
}

/** Parses a file of bars; throws UserError, one sentence, when it cannot be read as bars. */
export async function loadBars(source: ByteSource, opts: LoadOptions = {}): Promise<LoadResult> {
  const total = sourceSize(source);
  const hasher = new Sha256();
  const text = new TextToBars(opts.mapping);
  let bytes = 0;
  let decoder: TextDecoder | null = null;
  let encoding: EncodingGuess | null = null;
  for await (const chunk of byteChunks(source, opts.chunkBytes)) {
    opts.signal?.throwIfAborted();
    if (decoder === null) {
      checkMagic(chunk);
      encoding = detectEncoding(chunk);
      decoder = new TextDecoder(encoding.encoding);
    }
    hasher.update(chunk);
    bytes += chunk.length;
    text.push(decoder.decode(chunk, { stream: true }), false);
    opts.onProgress?.({ bytes, total, rows: text.rows });
  }
  if (decoder === null || encoding === null) {
    throw new UserError('the file is empty: expected a CSV of bars, one line per bar with time, open, high, low, close');
  }
  text.push(decoder.decode(), false);
  const { layout, result } = text.finish();
  const report = buildReport(layout, encoding, result, { fileName: opts.fileName ?? null, bytes, sha256: hasher.hex() });
  return { bars: result.bars, report };
}

function buildReport(layout: Layout, encoding: EncodingGuess, r: BuildResult,
  file: { fileName: string | null; bytes: number; sha256: string }): LoadReport {
  const c = layout.columns;
  const columns: Columns = {};
  if (c.date >= 0) columns.date = c.date;
  Object.assign(columns, { time: c.time, open: c.open, high: c.high, low: c.low, close: c.close });
  const assumptions = [...(encoding.assumption === null ? [] : [encoding.assumption]), ...layout.assumptions];
  const name = (i: number) => layout.names?.[i] ?? `column ${i + 1}`;
  if (r.volumeSource === 'volume') columns.volume = c.volume;
  if (r.volumeSource === 'tick_volume') {
    columns.volume = c.tickVolume;
    assumptions.push(`${name(c.volume)} is 0 on every row, so volume is ${name(c.tickVolume)}`);
  }
  if (r.volumeSource === 'none') assumptions.push('the file has no volume column; volume is 0');
  if (!layout.zoned) assumptions.push('times carry no time zone, so they were taken as UTC');
  const warnings: string[] = [];
  const rejected = Object.values(r.rejected).reduce((n, x) => n + x.count, 0);
  if (rejected > 0) warnings.push(`${rejected} of ${r.rowsRead} rows were rejected (see "rejected")`);
  if (r.outOfOrder > 0) warnings.push(`${r.outOfOrder} rows were out of time order; all rows were sorted by time`);
  if (r.duplicates > 0) warnings.push(`${r.duplicates} rows repeat an earlier time; the last row of each time was kept`);
  const { bars } = r;
  return {
    version: 1,
    format: layout.format,
    encoding: encoding.encoding,
    delimiter: layout.delimiter,
    header: layout.header,
    columns,
    rows_read: r.rowsRead,
    rows_kept: bars.length,
    rejected: r.rejected,
    duplicates: r.duplicates,
    sorted: r.outOfOrder > 0,
    gaps: r.gaps,
    timeframe: timeframeName(r.timeframeMs),
    first_time: isoUtc(bars.time[0]),
    last_time: isoUtc(bars.time[bars.length - 1]),
    order_book: bars.orderBook !== null,
    labels: null,
    file_name: file.fileName,
    bytes: file.bytes,
    sha256: file.sha256,
    bom: encoding.bom,
    line_ending: layout.newline === '\r\n' ? 'crlf' : layout.newline === '\r' ? 'cr' : 'lf',
    quoted_lines: layout.quotedLines,
    decimal: layout.decimal,
    time_format: layout.timeFormat,
    assumed_utc: !layout.zoned,
    column_names: layout.names,
    order_book_levels: layout.orderBookLevels,
    out_of_order: r.outOfOrder,
    duplicate_lines: r.duplicateLines,
    weekend_gaps: r.weekendGaps,
    missing_bars: r.missingBars,
    timeframe_ms: r.timeframeMs,
    assumptions,
    warnings,
  };
}
