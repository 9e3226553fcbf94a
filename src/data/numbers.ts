// Number cells as written by trading platforms and spreadsheets: plain decimals (fast
// path, bit-identical to Number and to Python's float), decimal commas, thousands
// separators; NaN/Infinity text told apart from garbage for the load report.

import type { DecimalMark, RejectReason } from './types.ts';

const NOT_FINITE = /^\s*[+-]?(?:nan|inf|infinity)\s*$/i;
const THOUSANDS_DOT = /^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?$/;
const THOUSANDS_COMMA = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * Plain decimals ("1.10432", "-36304.2", "0") with at most 15 digits: the digits as an
 * exact integer divided by an exact power of ten is correctly rounded, so this equals
 * Number(s) (and Python's float(s)) bit for bit, several times faster. NaN otherwise.
 */
function fastDecimal(s: string, mark: number): number {
  const n = s.length;
  let i = 0;
  let negative = false;
  if (s.charCodeAt(0) === 45) [negative, i] = [true, 1];
  let m = 0;
  let digits = 0;
  let scale = -1;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
    } else if (c === mark && scale < 0) {
      scale = i;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = scale < 0 ? m : m / POW10[n - 1 - scale];
  return negative ? -v : v;
}

/** A number cell; NaN when empty or unparsable (see `numberProblem`). */
export function parseNumber(cell: string, decimal: DecimalMark): number {
  const fast = fastDecimal(cell, decimal === ',' ? 44 : 46);
  if (!Number.isNaN(fast)) return fast;
  let s = cell;
  if (decimal === ',') {
    if (THOUSANDS_DOT.test(s)) s = s.replaceAll('.', '');
    s = s.replace(',', '.');
  } else if (s.includes(',') && THOUSANDS_COMMA.test(s)) {
    s = s.replaceAll(',', '');
  }
  if (s.length === 0) return NaN;
  const v = Number(s);
  // Number('  ') is 0: a blank cell is not a zero.
  return v === 0 && !/\d/.test(s) ? NaN : v;
}

/** Why a cell that did not parse to a finite number is unusable. */
export function numberProblem(cell: string): RejectReason {
  return NOT_FINITE.test(cell) ? 'not_finite' : 'bad_number';
}
