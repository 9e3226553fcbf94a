// Header names to column roles (spec/DATA.md §1): matched case-insensitively after
// normalizing `<TICKVOL>`, `Adj Close`, `timestamp_utc` and the like; order-book columns in
// both the `bid_px_1` and the Tardis `bids[0].price` spelling.

export const OB_LEVELS = 10;
/** Raw order-book layout per bar: bid_px_1..10, bid_sz_1..10, ask_px_1..10, ask_sz_1..10. */
export const ORDER_BOOK_DIM = 4 * OB_LEVELS;

/** "<TICKVOL>" -> "tickvol", "Adj Close" -> "adj_close", "\"Time\"" -> "time". */
export function normalizeName(raw: string): string {
  return raw
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/^<(.*)>$/, '$1')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

// Candidate names per role, best first.
const TIME_NAMES = [
  'timestamp', 'time', 'datetime', 'date_time', 'open_time', 'opentime', 'time_utc', 'timestamp_utc',
  'utc_time', 'gmt_time', 'local_time', 'bar_time', 'start_time', 'ts_event', 'ts', 'date', 'day', 't',
];
const DATE_NAMES = ['date', 'day', 'trade_date', 'trading_day'];
const TIME_OF_DAY_NAMES = ['time', 'hour', 'clock'];
const ROLE_NAMES = {
  open: ['open', 'o', 'open_price', 'opening_price', 'first'],
  high: ['high', 'h', 'high_price', 'max', 'highest'],
  low: ['low', 'l', 'low_price', 'min', 'lowest'],
  close: ['close', 'c', 'close_price', 'closing_price', 'last'],
  volume: ['volume', 'vol', 'real_volume', 'volume_real', 'base_volume', 'v'],
  tickVolume: ['tick_volume', 'tickvol', 'tick_vol', 'tickvolume', 'ticks'],
} as const;
/** Names that say "one price per row": tick quotes, trades, book levels. */
const TICK_NAMES = ['bid', 'ask', 'price', 'bid_price', 'ask_price', 'qty', 'quantity', 'amount', 'size', 'side'];

const OB_PLAIN = /^(bid|ask)s?_?(px|price|sz|size|qty|quantity|amount)_?(\d+)$/;
const OB_TARDIS = /^(bid|ask)s\[(\d+)\]\.(price|amount|size|qty|quantity)$/;

export interface NamedColumns {
  /** Candidate full-time columns, best first. */
  time: number[];
  date: number[];
  timeOfDay: number[];
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  tickVolume: number;
  /** Column index per raw order-book slot (ORDER_BOOK_DIM), -1 when absent. */
  orderBook: Int32Array;
  orderBookLevels: number;
  /** Deepest level named in the header, also beyond the 10 that are used. */
  orderBookLevelsFound: number;
  /** Tick-style column names found (for the error when there are no bars). */
  tickNames: string[];
}

function firstOf(names: readonly string[], wanted: readonly string[]): number {
  for (const w of wanted) {
    const i = names.indexOf(w);
    if (i >= 0) return i;
  }
  return -1;
}

function allOf(names: readonly string[], wanted: readonly string[]): number[] {
  const out: number[] = [];
  for (const w of wanted) names.forEach((n, i) => n === w && !out.includes(i) && out.push(i));
  return out;
}

/** Order-book slot for a normalized name, or -1. */
function orderBookSlot(name: string): { slot: number; level: number; zeroBased: boolean } | null {
  const plain = OB_PLAIN.exec(name);
  const tardis = plain === null ? OB_TARDIS.exec(name) : null;
  const m = plain ?? tardis;
  if (m === null) return null;
  const side = m[1] === 'bid' ? 0 : 2;
  const kind = plain !== null ? m[2] : m[3];
  const isPrice = kind === 'px' || kind === 'price';
  const level = Number(plain !== null ? m[3] : m[2]);
  return { slot: (side + (isPrice ? 0 : 1)) * OB_LEVELS, level, zeroBased: tardis !== null };
}

export function matchNames(rawNames: readonly string[]): NamedColumns {
  const names = rawNames.map(normalizeName);
  const time = allOf(names, TIME_NAMES);
  const out: NamedColumns = {
    time,
    date: allOf(names, DATE_NAMES),
    timeOfDay: allOf(names, TIME_OF_DAY_NAMES),
    open: firstOf(names, ROLE_NAMES.open),
    high: firstOf(names, ROLE_NAMES.high),
    low: firstOf(names, ROLE_NAMES.low),
    close: firstOf(names, ROLE_NAMES.close),
    volume: firstOf(names, ROLE_NAMES.volume),
    tickVolume: firstOf(names, ROLE_NAMES.tickVolume),
    orderBook: new Int32Array(ORDER_BOOK_DIM).fill(-1),
    orderBookLevels: 0,
    orderBookLevelsFound: 0,
    tickNames: names.filter((n) => TICK_NAMES.includes(n)),
  };
  const slots = names.map(orderBookSlot);
  const plainZero = slots.some((s) => s !== null && !s.zeroBased && s.level === 0);
  slots.forEach((s, i) => {
    if (s === null) return;
    const level = s.zeroBased || plainZero ? s.level + 1 : s.level;
    out.orderBookLevelsFound = Math.max(out.orderBookLevelsFound, level);
    if (level < 1 || level > OB_LEVELS) return;
    out.orderBook[s.slot + level - 1] = i;
  });
  for (let level = 1; level <= OB_LEVELS; level++) {
    const present = [0, 1, 2, 3].every((k) => out.orderBook[k * OB_LEVELS + level - 1] >= 0);
    if (present) out.orderBookLevels = level;
    else break;
  }
  return out;
}

/** Order-book slots of a headerless or user-mapped file: none. */
export function noOrderBook(): Int32Array {
  return new Int32Array(ORDER_BOOK_DIM).fill(-1);
}
