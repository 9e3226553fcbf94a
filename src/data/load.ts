// loadBars: any trader's CSV to bars and the load report (spec/DATA.md §1-2), streaming.
// Bytes are hashed chunk by chunk and read as UTF-8 (UTF-16 is transcoded); the opening
// lines, decoded, decide the layout; then the lines' bytes go through the fast path
// (plain.ts), the lines it cannot read through the general one (validate.ts).

import { fileHash } from '#file-hash';
import { UserError } from '../errors.ts';
import { detectLayout, type Layout } from './detect.ts';
import { MAX_LINE_CHARS } from './parse.ts';
import { PlainLines } from './plain.ts';
import { SNIFF_LINES } from './sniff.ts';
import {
  byteChunks, checkMagic, checkText, detectEncoding, holdSmallBlob, sourceSize, type ByteSource, type EncodingGuess,
} from './source.ts';
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
  /** Called after each chunk. */
  onProgress?: (p: LoadProgress) => void;
  /** The source's size in bytes when it cannot tell (a stream): for progress, and to size the arrays at once. */
  size?: number;
  /** The chunk size for a Uint8Array source; a Blob comes in the browser's chunks, a stream in its own. */
  chunkBytes?: number;
  signal?: AbortSignal;
}

export interface LoadResult {
  bars: Bars;
  report: LoadReport;
}

/** The shortest line a bar can have: an 8-digit unix time, four one-digit prices, four delimiters. */
const MIN_LINE_BYTES = 16;

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

/** A file's chunks as UTF-8: UTF-8 as it is (its byte-order mark dropped), UTF-16 transcoded. */
class Utf8Chunks {
  private readonly decoder: TextDecoder | null;
  private readonly encoder = new TextEncoder();
  private first = true;

  constructor(private readonly encoding: EncodingGuess) {
    this.decoder = encoding.encoding === 'utf-8' ? null : new TextDecoder(encoding.encoding);
  }

  next(chunk: Uint8Array): Uint8Array {
    if (this.decoder !== null) return this.encoder.encode(this.decoder.decode(chunk, { stream: true }));
    const bom = this.first && this.encoding.bom ? 3 : 0;
    this.first = false;
    return chunk.subarray(bom);
  }

  /** What a UTF-16 decoder still holds (an odd last byte becomes U+FFFD). */
  end(): Uint8Array {
    return this.decoder === null ? new Uint8Array(0) : this.encoder.encode(this.decoder.decode());
  }
}

/** UTF-8 in, bars out: holds the opening lines back until they fix the layout, then streams. */
class Utf8ToBars {
  private sample: Uint8Array[] = [];
  private sampleText = '';
  private readonly sampleDecoder = new TextDecoder();
  private stage: { layout: Layout; builder: BarBuilder } | null = null;

  /** `expectRows(lines)`: how many bars a file whose opening `lines` lines were read so far may hold (0: unknown). */
  constructor(private readonly lines: PlainLines, private readonly mapping: ColumnMapping | undefined,
    private readonly expectRows: (lines: number) => number) {}

  get rows(): number {
    return this.stage?.builder.rows ?? 0;
  }

  push(chunk: Uint8Array, complete: boolean): void {
    if (this.stage !== null) return this.lines.push(chunk);
    this.sample.push(chunk);
    this.sampleText += this.sampleDecoder.decode(chunk, { stream: !complete });
    const text = this.sampleText;
    checkText(text);
    if (!complete && countLines(text, SNIFF_LINES + 1) <= SNIFF_LINES) {
      if (lastLineLength(text) > MAX_LINE_CHARS) {
        throw new UserError(`line ${countLines(text, Infinity) + 1} is longer than ${MAX_LINE_CHARS} characters: ` +
          'this is not a CSV of bars (it may be binary, or have no line breaks)');
      }
      return;
    }
    const layout = detectLayout(text, complete, this.mapping);
    const builder = new BarBuilder(layout, complete ? 0 : this.expectRows(countLines(text, Infinity)));
    this.lines.start(layout, builder);
    this.stage = { layout, builder };
    for (const held of this.sample) this.lines.push(held);
    this.sample = [];
    this.sampleText = '';
  }

  finish(): { layout: Layout; result: BuildResult } {
    this.push(new Uint8Array(0), true);
    const { layout, builder } = this.stage as NonNullable<Utf8ToBars['stage']>;
    this.lines.end();
    return { layout, result: builder.finish() };
  }
}

/** Parses a file of bars; throws UserError, one sentence, when it cannot be read as bars. */
export async function loadBars(file: ByteSource, opts: LoadOptions = {}): Promise<LoadResult> {
  const source = await holdSmallBlob(file);
  const total = sourceSize(source) ?? opts.size ?? null;
  const hash = fileHash(source);
  let bytes = 0;
  // The opening lines' length tells how many rows the whole file has, near enough to size
  // the arrays once (a few percent over; they grow if it was too few). No bar line is
  // shorter than MIN_LINE_BYTES, which bounds a guess misled by short opening lines.
  const expectRows = (lines: number) => (total === null || lines === 0 ? 0
    : Math.ceil(Math.min((total / bytes) * lines * 1.05, total / MIN_LINE_BYTES)));
  const bars = new Utf8ToBars(new PlainLines(), opts.mapping, expectRows);
  let utf8: Utf8Chunks | null = null;
  let encoding: EncodingGuess | null = null;
  for await (const chunk of byteChunks(source, opts.chunkBytes)) {
    opts.signal?.throwIfAborted();
    if (utf8 === null) {
      checkMagic(chunk);
      encoding = detectEncoding(chunk);
      utf8 = new Utf8Chunks(encoding);
    }
    bytes += chunk.length;
    bars.push(utf8.next(chunk), false);
    hash.update(chunk); // after the chunk passed the first checks: a binary file is never hashed
    opts.onProgress?.({ bytes, total, rows: bars.rows });
  }
  if (utf8 === null || encoding === null) {
    throw new UserError('the file is empty: expected a CSV of bars, one line per bar with time, open, high, low, close');
  }
  bars.push(utf8.end(), false);
  const { layout, result } = bars.finish();
  const report = buildReport(layout, encoding, result, { fileName: opts.fileName ?? null, bytes, sha256: await hash.hex() });
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
