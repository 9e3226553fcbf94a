// `nexus inspect FILE [--json]`: the load report of spec/DATA.md §2 for one file, with
// the label distribution under the default data settings (or --seq-len/--horizon/--theta).
// Exit 0 when the file loads as bars, 2 with one sentence when it does not.

import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../errors.ts';
import { DEFAULT_DATA_SETTINGS, prepareDataset, type DataSettings } from '../data/dataset.ts';
import { loadBars } from '../data/load.ts';
import type { ColumnMapping, LoadReport } from '../data/types.ts';
import { option, parseArgs } from './args.ts';
import type { Command } from './command.ts';

const usage = 'usage: nexus inspect FILE [--json] [--mapping JSON] [--seq-len N] [--horizon N] [--theta BPS|auto]';

function integerOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UserError(`--${name} must be a whole number, not "${value}"`);
  return n;
}

function mappingOption(value: string | undefined): ColumnMapping | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new UserError('--mapping must be JSON, for example {"columns":{"time":0,"open":1,"high":2,"low":3,"close":4}}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UserError('--mapping must be a JSON object');
  return parsed as ColumnMapping;
}

function describe(r: LoadReport): string {
  const rejected = Object.entries(r.rejected).map(([reason, x]) => `  ${reason}: ${x.count} (first lines ${x.first_lines.join(', ')}; ${x.example})`);
  const labels = r.labels === null || r.labels === undefined
    ? ['  (too few bars for the default settings)']
    : Object.entries(r.labels).map(([split, c]) => `  ${split.padEnd(10)} DOWN ${c.DOWN}  NEUTRAL ${c.NEUTRAL}  UP ${c.UP}`);
  const columns = Object.entries(r.columns).map(([role, i]) => `${role}=${i}`).join(' ');
  return [
    `${r.file_name ?? 'file'}: ${r.format}, ${r.encoding}${r.bom ? ' (BOM)' : ''}, delimiter ${JSON.stringify(r.delimiter)}, ` +
      `${r.header ? 'header' : 'no header'}, ${r.line_ending.toUpperCase()}${r.decimal === ',' ? ', decimal comma' : ''}`,
    `columns: ${columns}${r.order_book ? `, order book ${r.order_book_levels} levels` : ', no order book'}`,
    `rows: ${r.rows_read} read, ${r.rows_kept} kept, ${r.duplicates} duplicates, ${r.sorted ? 'sorted by time' : 'already in time order'}`,
    ...(rejected.length > 0 ? ['rejected:', ...rejected] : ['rejected: none']),
    `timeframe ${r.timeframe}, ${r.gaps} gaps (${r.weekend_gaps} over weekends, ${r.missing_bars} missing bars)`,
    `from ${r.first_time} to ${r.last_time}${r.assumed_utc ? ' (no time zone in the file: taken as UTC)' : ''}`,
    'labels:',
    ...labels,
    ...r.assumptions.map((a) => `assumed: ${a}`),
    ...r.warnings.map((w) => `note: ${w}`),
  ].join('\n');
}

const inspect: Command = async (argv) => {
  const args = parseArgs(argv, ['mapping', 'seq-len', 'horizon', 'theta'], ['json']);
  const [file, ...extra] = args.positionals;
  if (file === undefined || extra.length > 0) throw new UserError(usage);
  try {
    if (!statSync(file).isFile()) throw new UserError(`${file} is not a file`);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${file}: no such file`);
  }
  const theta = option(args, 'theta');
  const settings: Partial<DataSettings> = {
    seq_len: integerOption(option(args, 'seq-len'), 'seq-len') ?? DEFAULT_DATA_SETTINGS.seq_len,
    horizon: integerOption(option(args, 'horizon'), 'horizon') ?? DEFAULT_DATA_SETTINGS.horizon,
    theta: theta === undefined || theta === 'auto' ? 'auto' : Number(theta),
  };
  const { bars, report } = await loadBars(createReadStream(file, { highWaterMark: 1 << 20 }), {
    fileName: basename(file),
    size: statSync(file).size,
    mapping: mappingOption(option(args, 'mapping')),
  });
  try {
    report.labels = prepareDataset(bars, settings).labelCounts;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    report.labels = null;
    report.warnings.push(e.message);
  }
  process.stdout.write(args.flags.has('json') ? `${JSON.stringify(report, null, 2)}\n` : `${describe(report)}\n`);
  return 0;
};

export default inspect;
