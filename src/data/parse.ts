// Streaming CSV: text arrives in chunks (from a File in a worker or a Node stream) and
// leaves as rows of cells, one papaparse Parser call per chunk; only the unfinished last
// line is carried over. Pure, so it runs the same in Node and in a worker.

import Papa from 'papaparse';
import { UserError } from '../errors.ts';
import { NO_QUOTE, type Newline } from './sniff.ts';
import type { Delimiter } from './types.ts';

/** No bar line is this long; a longer one means a binary or line-less file (DATA.md §7). */
export const MAX_LINE_CHARS = 16_384;

export interface ChunkerConfig {
  delimiter: Delimiter;
  newline: Newline;
  /** False for whole-line-quoted files, whose quotes are stripped per row instead. */
  quotes: boolean;
}

export type RowSink = (rows: string[][], firstLine: number) => void;

export class CsvChunker {
  private readonly parser: Papa.Parser;
  private carry = '';
  private line = 1;

  constructor(config: ChunkerConfig, private readonly sink: RowSink) {
    // A '\r\n' file is split on '\n' and the '\r' trimmed per row, so stray LF-only lines
    // still split; a quoted field cannot hold a bare '\r', so quoting files keep '\r\n'.
    const newline = config.newline === '\r\n' && !config.quotes ? '\n' : config.newline;
    this.parser = new Papa.Parser({
      delimiter: config.delimiter,
      newline,
      quoteChar: config.quotes ? '"' : NO_QUOTE,
    });
  }

  /** Line number of the next row to come. */
  get nextLine(): number {
    return this.line;
  }

  push(text: string): void {
    if (text.length === 0) return;
    const input = this.carry + text;
    const result = this.parser.parse(input, 0, true) as Papa.ParseResult<string[]>;
    this.carry = input.slice(result.meta.cursor);
    if (this.carry.length > MAX_LINE_CHARS) {
      throw new UserError(`line ${this.line + result.data.length} is longer than ${MAX_LINE_CHARS} characters: ` +
        'this is not a CSV of bars (it may be binary, or have no line breaks)');
    }
    this.emit(result.data);
  }

  end(): void {
    if (this.carry.length === 0) return;
    const result = this.parser.parse(this.carry, 0, false) as Papa.ParseResult<string[]>;
    this.carry = '';
    this.emit(result.data);
  }

  private emit(rows: string[][]): void {
    if (rows.length === 0) return;
    const first = this.line;
    this.line += rows.length;
    this.sink(rows, first);
  }
}
