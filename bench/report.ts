// Benchmark output: one markdown table per case on stdout, and the same tables plus the
// raw rows as JSON in $OUT (the device machine's return folder) or bench/results/.
// Files are rewritten after every row, so a run killed by its time cap keeps what it had.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
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

/** What the numbers were measured on, for the head of every results file. */
export function environment(): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_gib: Number((totalmem() / 2 ** 30).toFixed(1)),
    platform: `${process.platform}-${process.arch}`,
  };
}

/** One case's results: `<name>.json` (rows and tables) and `<name>.md`, rewritten whole. */
export class CaseReport {
  readonly tables: Table[] = [];
  readonly records: Record<string, unknown>[] = [];
  readonly info: Record<string, unknown> = {};

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
    const json = { case: this.name, environment: environment(), info: this.info, records: this.records, tables: this.tables };
    writeFileSync(join(dir, `${this.name}.json`), JSON.stringify(json, null, 2) + '\n');
    writeFileSync(join(dir, `${this.name}.md`), this.tables.map(markdown).join('\n'));
  }

  print(): void {
    this.save();
    for (const t of this.tables) console.log('\n' + markdown(t));
  }
}
