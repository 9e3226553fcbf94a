// Number cells as text, as written by trading platforms and spreadsheets: decimal commas,
// thousands separators; NaN/Infinity told apart from garbage for the load report. Plain
// decimals are read by the fast path (plain.ts) without making a string.

import type { DecimalMark, RejectReason } from './types.ts';

const NOT_FINITE = /^\s*[+-]?(?:nan|inf|infinity)\s*$/i;
const THOUSANDS_DOT = /^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?$/;
const THOUSANDS_COMMA = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

/** A number cell; NaN when empty or unparsable (see `numberProblem`). */
export function parseNumber(cell: string, decimal: DecimalMark): number {
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
