// Where a shared experiment's data comes from, in its link: the bundled sample, an https
// address, or a local file named with its SHA-256 (`file=...&sha256=...`), plus the column
// mapping override (`columns=time:0,open:1,...&delimiter=tab&decimal=comma&header=1`).

import type { ColumnMapping, ColumnRole, Columns, DecimalMark, Delimiter, TimeFormat } from '../data/types.ts';
import { sampleId, type DataRef } from '../run/experiment.ts';
import { decimal, shown, type QueryReader } from './query.ts';

type Pairs = [string, string][];

// Names a person can type in a link for characters that would need escaping.
const delimiterNames: Record<string, Delimiter> = { comma: ',', tab: '\t', semicolon: ';', pipe: '|' };
const decimalNames: Record<string, DecimalMark> = { dot: '.', comma: ',' };
// Records, not arrays, so that a role or format added to types.ts fails to compile here.
const roles: Record<ColumnRole, true> = { time: true, date: true, open: true, high: true, low: true, close: true, volume: true, tick_volume: true };
const timeFormats: Record<TimeFormat, true> = { ymd: true, compact: true, dmy: true, mdy: true, unix_s: true, unix_ms: true, unix_us: true, unix_ns: true };
const required: readonly ColumnRole[] = ['time', 'open', 'high', 'low', 'close']; // as detect.ts's fromMapping demands
const MAX_COLUMN = 999;
const MAX_URL_LENGTH = 2048;
const MAX_NAME_LENGTH = 255;
const SHA256 = /^[0-9a-f]{64}$/;

export function writeDataRef(ref: DataRef, out: Pairs): void {
  if (ref.kind === 'sample') out.push(['data', `sample:${ref.id}`]);
  else if (ref.kind === 'url') out.push(['data', ref.url]);
  else {
    out.push(['file', ref.name]);
    if (ref.sha256 !== null) out.push(['sha256', ref.sha256]);
  }
}

export function readDataRef(r: QueryReader): DataRef {
  const fallback: DataRef = { kind: 'sample', id: sampleId };
  const data = r.take('data');
  const file = r.take('file');
  const sha = r.take('sha256');
  if (data !== undefined) {
    if (file !== undefined || sha !== undefined) r.problem('the link names both data= and a local file=; used data=');
    return dataParam(data, r) ?? fallback;
  }
  if (file === undefined) {
    if (sha !== undefined) r.problem('sha256= is given without file=; ignored');
    return fallback;
  }
  const name = file.trim();
  if (name === '' || name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f/\\]/.test(name)) {
    r.problem(`file=${shown(file)} is not a file name (1 to ${MAX_NAME_LENGTH} characters, no folders); kept the bundled sample`);
    return fallback;
  }
  let sha256: string | null = null;
  if (sha !== undefined) {
    if (SHA256.test(sha.toLowerCase())) sha256 = sha.toLowerCase();
    else r.problem(`sha256=${shown(sha)} is not 64 hexadecimal digits; the file will be recognised by its name only`);
  }
  return { kind: 'file', name, sha256 };
}

function dataParam(data: string, r: QueryReader): DataRef | undefined {
  const kept = '; kept the bundled sample';
  if (data.startsWith('sample:')) {
    const id = data.slice('sample:'.length);
    if (id === sampleId) return { kind: 'sample', id };
    r.problem(`data=${shown(data)} is not a bundled sample (the one bundled is sample:${sampleId})${kept}`);
    return undefined;
  }
  if (data.length > MAX_URL_LENGTH) {
    r.problem(`the data address is ${data.length} characters long, more than the ${MAX_URL_LENGTH} accepted${kept}`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(data);
  } catch {
    r.problem(`data=${shown(data)} is neither sample:${sampleId} nor a web address${kept}`);
    return undefined;
  }
  // Anything but https (javascript:, data:, file:, plain http) is refused: the page fetches it.
  if (url.protocol !== 'https:') {
    r.problem(`data=${shown(data)} is not accepted: only https: addresses are${kept}`);
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    r.problem(`the data address carries a user name or password, which a shared link must not${kept}`);
    return undefined;
  }
  return { kind: 'url', url: url.href };
}

export function writeMapping(m: ColumnMapping | undefined, out: Pairs): void {
  if (m === undefined) return;
  if (m.columns !== undefined) {
    const entries = (Object.keys(roles) as ColumnRole[]).filter((role) => m.columns?.[role] !== undefined);
    out.push(['columns', entries.map((role) => `${role}:${m.columns?.[role]}`).join(',')]);
  }
  if (m.delimiter !== undefined) out.push(['delimiter', nameOf(delimiterNames, m.delimiter)]);
  if (m.decimal !== undefined) out.push(['decimal', nameOf(decimalNames, m.decimal)]);
  if (m.header !== undefined) out.push(['header', m.header ? '1' : '0']);
  if (m.quoted_lines !== undefined) out.push(['quoted_lines', m.quoted_lines ? '1' : '0']);
  if (m.time_format !== undefined) out.push(['time_format', m.time_format]);
}

/** The column mapping override, or undefined when the link has none (detection decides). */
export function readMapping(r: QueryReader): ColumnMapping | undefined {
  const m: ColumnMapping = {};
  const detected = '; it will be detected from the file';
  const columns = r.take('columns');
  if (columns !== undefined) {
    const parsed = columnsParam(columns);
    if (typeof parsed === 'string') r.problem(`${parsed}${detected}`);
    else m.columns = parsed;
  }
  const choice = <T>(key: string, names: Record<string, T>, set: (value: T) => void) => {
    const text = r.take(key);
    if (text === undefined) return;
    if (Object.hasOwn(names, text)) set(names[text]);
    else r.problem(`${key}=${shown(text)} is not one of ${Object.keys(names).join(', ')}${detected}`);
  };
  const flags = { 0: false, 1: true };
  choice('delimiter', delimiterNames, (v) => (m.delimiter = v));
  choice('decimal', decimalNames, (v) => (m.decimal = v));
  choice('header', flags, (v) => (m.header = v));
  choice('quoted_lines', flags, (v) => (m.quoted_lines = v));
  choice('time_format', Object.fromEntries(Object.keys(timeFormats).map((f) => [f, f as TimeFormat])), (v) => (m.time_format = v));
  return Object.keys(m).length === 0 ? undefined : { version: 1, ...m };
}

/** The roles and column indices of `time:0,open:1,...`, or the sentence saying what is wrong. */
function columnsParam(text: string): Columns | string {
  const columns: Columns = {};
  const byIndex = new Map<number, ColumnRole>();
  for (const entry of text.split(',')) {
    const [role, index, extra] = entry.split(':');
    if (index === undefined || extra !== undefined) return `columns=${shown(text)} must list role:column pairs such as time:0,open:1,high:2,low:3,close:4`;
    if (!Object.hasOwn(roles, role)) return `columns=${shown(text)} names "${shown(role)}", which is not one of ${Object.keys(roles).join(', ')}`;
    const n = decimal(index);
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > MAX_COLUMN) return `columns=${shown(text)} puts ${role} in "${shown(index)}", which is not a column number from 0 to ${MAX_COLUMN}`;
    const r = role as ColumnRole;
    if (columns[r] !== undefined) return `columns=${shown(text)} gives ${role} twice`;
    const other = byIndex.get(n);
    if (other !== undefined) return `columns=${shown(text)} puts both ${other} and ${role} in column ${n}`;
    columns[r] = n;
    byIndex.set(n, r);
  }
  const missing = required.filter((role) => columns[role] === undefined);
  if (missing.length > 0) return `columns=${shown(text)} does not say which column holds ${missing.join(', ')}`;
  return columns;
}

function nameOf<T>(names: Record<string, T>, value: T): string {
  return Object.keys(names).find((name) => names[name] === value) ?? String(value);
}
