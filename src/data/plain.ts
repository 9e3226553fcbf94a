// The loader's fast path (spec/DATA.md §1): a file's UTF-8 bytes go through
// wasm/plain-lines.ts, WebAssembly that splits the lines and reads every plain one (plain
// decimals; fixed-width or unix times) into batches of bars, handing back each other line,
// which validate.ts reads the general way. Both ways keep exactly the same rows, in file order.

import { UserError } from '../errors.ts';
import type { Layout } from './detect.ts';
import { ORDER_BOOK_DIM } from './names.ts';
import { MAX_LINE_CHARS, characters } from './parse.ts';
import type { TimeFormat } from './types.ts';
import { lazyModule } from './kernel.ts';
import { base64 } from './wasm/bytes/plain-lines.ts';

export type PlainLayout = Pick<Layout,
  'delimiter' | 'decimal' | 'quotedLines' | 'fieldCount' | 'newline' | 'headerLine' | 'timeFormat' | 'columns' |
  'orderBook' | 'orderBookLevels'>;

/** Bars read in place, column by column; views into the WebAssembly's memory, valid during `addBatch` only. */
export interface PlainBatch {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  tickVolume: Float64Array;
  /** 40 raw order-book values per bar. */
  book: Float64Array;
  lines: Uint32Array;
}

export interface PlainSink {
  /** The first `count` bars of `batch`, next in file order. */
  addBatch(batch: PlainBatch, count: number): void;
  /** A line the fast path leaves to the general one: UTF-8 bytes[start, end), its line break left out. */
  addLine(bytes: Uint8Array, start: number, end: number, line: number): void;
}

/** wasm/plain-lines.ts's exports; a StaticArray is exported as its address. */
interface Kernel {
  memory: WebAssembly.Memory;
  BATCH: WebAssembly.Global;
  INPUT_BYTES: WebAssembly.Global;
  SLOTS: WebAssembly.Global;
  NEED_MORE: WebAssembly.Global;
  DECLINED: WebAssembly.Global;
  TIME_NONE: WebAssembly.Global;
  TIME_YMD: WebAssembly.Global;
  TIME_UNIX_S: WebAssembly.Global;
  TIME_UNIX_MS: WebAssembly.Global;
  TIME_UNIX_US: WebAssembly.Global;
  TIME_UNIX_NS: WebAssembly.Global;
  input: WebAssembly.Global;
  slots: WebAssembly.Global;
  batch: WebAssembly.Global;
  batchBook: WebAssembly.Global;
  batchLines: WebAssembly.Global;
  state: WebAssembly.Global;
  configure(fields: number, delimiter: number, mark: number, quoted: boolean, lineBreak: number, header: number,
    long: number, date: number, time: number, kind: number, book: boolean): void;
  scan(pos: number, end: number, last: boolean): number;
}

// Where the kernel's `state` says what it stopped at.
const COUNT = 0;
const NEXT = 1;
const LINE_START = 2;
const LINE_END = 3;
const LINE_NUMBER = 4;

const TIME_KINDS: Record<TimeFormat, keyof Kernel & `TIME_${string}`> = {
  ymd: 'TIME_YMD', unix_s: 'TIME_UNIX_S', unix_ms: 'TIME_UNIX_MS', unix_us: 'TIME_UNIX_US', unix_ns: 'TIME_UNIX_NS',
  compact: 'TIME_NONE', dmy: 'TIME_NONE', mdy: 'TIME_NONE', // every line the general path's
};

const plainLinesModule = lazyModule(base64);

/** The fast path for one file. */
export class PlainLines {
  private readonly kernel: Kernel;
  private readonly input: Uint8Array;
  private readonly state: Int32Array;
  private readonly batch: PlainBatch;
  private sink: PlainSink | null = null;
  /** Bytes of an unfinished line at the start of `input`. */
  private carried = 0;

  constructor() {
    const kernel = new WebAssembly.Instance(plainLinesModule(), {}).exports as unknown as Kernel;
    this.kernel = kernel;
    // The kernel allocates only as it starts, so these views stay valid.
    const { buffer } = kernel.memory;
    const n = kernel.BATCH.value as number;
    const columns = new Float64Array(buffer, kernel.batch.value, 7 * n);
    const column = (j: number) => columns.subarray(j * n, (j + 1) * n);
    this.batch = {
      time: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5), tickVolume: column(6),
      book: new Float64Array(buffer, kernel.batchBook.value, n * ORDER_BOOK_DIM),
      lines: new Uint32Array(buffer, kernel.batchLines.value, n),
    };
    this.input = new Uint8Array(buffer, kernel.input.value, kernel.INPUT_BYTES.value);
    this.state = new Int32Array(buffer, kernel.state.value, 5);
  }

  /** Sets the file's layout and where its bars and other lines go, before the first push. */
  start(layout: PlainLayout, sink: PlainSink): void {
    const k = this.kernel;
    const c = layout.columns;
    const slots = new Int32Array(k.memory.buffer, k.slots.value, k.SLOTS.value);
    slots.set([c.open, c.high, c.low, c.close, c.volume, c.tickVolume, ...layout.orderBook]);
    k.configure(layout.fieldCount, layout.delimiter.charCodeAt(0), layout.decimal.charCodeAt(0), layout.quotedLines,
      layout.newline === '\r' ? 13 : 10, layout.headerLine, MAX_LINE_CHARS, c.date, c.time, k[TIME_KINDS[layout.timeFormat]].value,
      layout.orderBookLevels > 0);
    this.sink = sink;
  }

  push(chunk: Uint8Array): void {
    for (let at = 0; at < chunk.length;) {
      const piece = chunk.subarray(at, at + this.input.length - this.carried);
      this.input.set(piece, this.carried);
      at += piece.length;
      this.scan(this.carried + piece.length, false);
    }
  }

  /** The file's end: its last line needs no line break. */
  end(): void {
    this.scan(this.carried, true);
  }

  private scan(end: number, last: boolean): void {
    const { kernel, state, input } = this;
    const sink = this.sink as PlainSink;
    const declined = kernel.DECLINED.value as number;
    const needMore = kernel.NEED_MORE.value as number;
    let status;
    do {
      status = kernel.scan(state[NEXT], end, last);
      if (state[COUNT] > 0) sink.addBatch(this.batch, state[COUNT]);
      if (status === declined) {
        const [start, stop, line] = [state[LINE_START], state[LINE_END], state[LINE_NUMBER]];
        if (stop - start > MAX_LINE_CHARS) checkLength(input.subarray(start, stop), line);
        sink.addLine(input, start, stop, line);
      }
    } while (status !== needMore);
    // The unfinished line moves to the front, for the next piece to complete.
    const next = state[NEXT];
    input.copyWithin(0, next, end);
    this.carried = end - next;
    state[NEXT] = 0;
    if (this.carried > MAX_LINE_CHARS) checkLength(input.subarray(0, this.carried), state[LINE_NUMBER]);
  }
}

/** Refuses a line (whole, or the start of one) of more than MAX_LINE_CHARS characters: whatever the chunking, the same sentence. */
function checkLength(bytes: Uint8Array, line: number): void {
  if (characters(bytes) > MAX_LINE_CHARS) {
    throw new UserError(`line ${line} is longer than ${MAX_LINE_CHARS} characters: ` +
      'this is not a CSV of bars (it may be binary, or have no line breaks)');
  }
}
