// The data layer's shared vocabulary: bars as typed arrays, the load report and the
// column mapping (spec/DATA.md §1-2). The report and the mapping cross boundaries (CLI
// JSON, the run record, the experiment configuration), so their keys are snake_case.

export type BarFormat = 'mt5' | 'mt4' | 'histdata' | 'binance' | 'yahoo' | 'generic';
export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';
export type Delimiter = ',' | '\t' | ';' | '|';
export type DecimalMark = '.' | ',';

/** Column roles; `date` + `time` means a date column and a time-of-day column. */
export type ColumnRole = 'time' | 'date' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'tick_volume';
export type Columns = Partial<Record<ColumnRole, number>>;

/**
 * How a time cell is written. `ymd`: 2024-01-02[ T]00:00[:00[.000]][Z|+02:00], also with
 * `.` or `/` between date parts (MetaTrader); `compact`: 20240102[ 000000[mmm]] (HistData);
 * `dmy`/`mdy`: 02/01/2024[ 00:00[:00]]; `unix_*`: epoch seconds, ms, µs or ns.
 */
export type TimeFormat = 'ymd' | 'compact' | 'dmy' | 'mdy' | 'unix_s' | 'unix_ms' | 'unix_us' | 'unix_ns';

/** Why a row was rejected (DATA.md §2). */
export type RejectReason =
  | 'wrong_column_count'
  | 'bad_time'
  | 'bad_number'
  | 'not_finite'
  | 'non_positive_price'
  | 'high_below_open'
  | 'high_below_close'
  | 'low_above_open'
  | 'low_above_close'
  | 'negative_volume';

/**
 * The user's override of what detection found. Part of the experiment's configuration,
 * so it is snake_case and versioned. Any key left out is detected.
 */
export interface ColumnMapping {
  version?: 1;
  delimiter?: Delimiter;
  header?: boolean;
  decimal?: DecimalMark;
  /** Every line wrapped in one pair of double quotes. */
  quoted_lines?: boolean;
  /** 0-based column index per role; must name time (or date + time) and open/high/low/close. */
  columns?: Columns;
  time_format?: TimeFormat;
}

/**
 * Bars in time order, one typed array per field. `orderBook`, when present, is
 * length x 40 raw values in the order of DATA.md §4: bid_px_1..10, bid_sz_1..10,
 * ask_px_1..10, ask_sz_1..10, with 0 for a missing level.
 */
/** Columns of `length` values; each may view a slightly longer buffer (the loader sizes its arrays once, from the file's size). */
export interface Bars {
  length: number;
  /** UTC epoch milliseconds, strictly increasing. */
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  orderBook: Float64Array | null;
}

export interface Rejection {
  count: number;
  /** The first few line numbers (1-based, header included). */
  first_lines: number[];
  /** The first such row, as a sentence: "line 1042: high 1.1032 is below close 1.1040". */
  example: string;
}

export interface LabelCounts {
  DOWN: number;
  NEUTRAL: number;
  UP: number;
}
export type SplitName = 'train' | 'validation' | 'test';

/** The load report of DATA.md §2; keys after `order_book` are additions. */
export interface LoadReport {
  version: 1;
  format: BarFormat;
  encoding: Encoding;
  delimiter: Delimiter;
  header: boolean;
  columns: Columns;
  rows_read: number;
  rows_kept: number;
  rejected: Partial<Record<RejectReason, Rejection>>;
  duplicates: number;
  /** True when rows were out of order and have been sorted by time. */
  sorted: boolean;
  gaps: number;
  timeframe: string;
  first_time: string;
  last_time: string;
  order_book: boolean;
  /** Label distribution per split with the default settings; null until `inspect` (or the app) adds it. */
  labels: Record<SplitName, LabelCounts> | null;
  file_name: string | null;
  bytes: number;
  sha256: string;
  bom: boolean;
  line_ending: 'lf' | 'crlf' | 'cr';
  quoted_lines: boolean;
  decimal: DecimalMark;
  time_format: TimeFormat;
  /** True when no time had a zone, so all were taken as UTC (the UI says so). */
  assumed_utc: boolean;
  column_names: string[] | null;
  order_book_levels: number;
  out_of_order: number;
  duplicate_lines: number[];
  weekend_gaps: number;
  missing_bars: number;
  timeframe_ms: number;
  /** What detection had to assume, in sentences; empty when nothing was ambiguous. */
  assumptions: string[];
  /** Things the user should know that do not stop the load. */
  warnings: string[];
}
