// Benchmark output: one markdown table per case on stdout, and the same tables plus the
// raw rows as JSON in $OUT (the device machine's return folder) or bench/results/.
// Files are rewritten after every row, so a run killed by its time cap keeps what it had.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchPath } from './paths.ts';

export type Cell = string | number | null;

/** What every case takes from the command line. */
export interface CaseOptions {
  quick: boolean;
  budgetS: number; // the gpu case's cap on its own time
}

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  notes: string[];
}

export function table(title: string, columns: string[]): Table {
  return { title, columns, rows: [], notes: [] };
}

export function markdown(t: Table): string {
  const line = (cells: Cell[]) => `| ${cells.map((c) => (c === null ? '—' : String(c))).join(' | ')} |`;
  const parts = [`### ${t.title}`, '', line(t.columns), line(t.columns.map(() => '---')), ...t.rows.map(line)];
  if (t.notes.length > 0) parts.push('', ...t.notes.map((n) => `- ${n}`));
  return parts.join('\n') + '\n';
}

/** Rounds for a table: 3 significant digits, thousands kept whole. */
export function num(x: number | null | undefined, digits = 3): Cell {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  if (Math.abs(x) >= 10 ** digits) return Math.round(x);
  return Number(x.toPrecision(digits));
}

export const mib = (bytes: number | null | undefined): Cell => (bytes == null ? null : num(bytes / 2 ** 20));

/** Where results go: $OUT when set (the device machine), else bench/results/. */
export function resultsDir(): string {
  const dir = process.env.OUT || benchPath('results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface Environment {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  memory_gib: number;
  platform: string;
  load_average: number[]; // 1, 5 and 15 minutes: other work on the machine slows every figure
}

/** What the numbers were measured on, for the head of every results file. */
export function environment(): Environment {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_gib: Number((totalmem() / 2 ** 30).toFixed(1)),
    platform: `${process.platform}-${process.arch}`,
    load_average: loadavg().map((x) => Number(x.toFixed(2))),
  };
}

function describe(e: Environment, tfjs: unknown): string {
  return `Measured ${e.date.slice(0, 16).replace('T', ' ')} UTC on ${e.cpu} (${e.cores} cores, ${e.memory_gib} GiB), ` +
    `Node ${e.node}${tfjs ? `, TF.js ${String(tfjs)}` : ''}; load average ${e.load_average.join(' / ')} (1 / 5 / 15 min).`;
}

/** One case's results: `<name>.json` (rows and tables) and `<name>.md`, rewritten whole. */
export class CaseReport {
  readonly tables: Table[] = [];
  readonly records: Record<string, unknown>[] = [];
  readonly info: Record<string, unknown> = {};
  readonly started = environment(); // the load when the case began, beside the load when it was saved

  constructor(readonly name: string) {}

  add(t: Table): Table {
    this.tables.push(t);
    return t;
  }

  record(r: Record<string, unknown>): void {
    this.records.push(r);
    this.save();
  }

  save(): void {
    const dir = resultsDir();
    const json = { case: this.name, started: this.started, environment: environment(), info: this.info, records: this.records, tables: this.tables };
    writeFileSync(join(dir, `${this.name}.json`), JSON.stringify(json, null, 2) + '\n');
    writeFileSync(join(dir, `${this.name}.md`), [describe(this.started, this.info.tfjs) + '\n', ...this.tables.map(markdown)].join('\n'));
  }

  print(): void {
    this.save();
    console.log('\n' + describe(this.started, this.info.tfjs));
    for (const t of this.tables) console.log('\n' + markdown(t));
  }
}
