// `nexus inspect FILE [--json]` end to end, as a user runs it: the report on stdout and
// exit 0 for bars; exit 2 and one line on stderr for anything else.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES, SAMPLE_FILE } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function nexus(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'inspect', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('nexus inspect', () => {
  it('prints the load report with label counts as JSON', () => {
    const { code, stdout, stderr } = nexus(SAMPLE_FILE, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      format: 'generic', encoding: 'utf-8', delimiter: ',', header: true,
      columns: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 },
      rows_read: 29996, rows_kept: 29996, rejected: {}, duplicates: 0, sorted: false, timeframe: 'M1',
      first_time: '2024-01-01T23:01:00Z', last_time: '2024-01-31T23:59:00Z', order_book: false,
      file_name: '6EH4-XCME-M1-2024-01.csv', sha256: '2544bbed42cb10f1cb4a0af432f80416fc145c9877aee5043bdbbccfbf38ffde',
    });
    const keys = Object.keys(report);
    expect(keys.slice(0, 17)).toEqual(['version', 'format', 'encoding', 'delimiter', 'header', 'columns', 'rows_read', 'rows_kept',
      'rejected', 'duplicates', 'sorted', 'gaps', 'timeframe', 'first_time', 'last_time', 'order_book', 'labels']);
    const total = (c: { DOWN: number; NEUTRAL: number; UP: number }) => c.DOWN + c.NEUTRAL + c.UP;
    expect(total(report.labels.train) + total(report.labels.validation) + total(report.labels.test)).toBe(29996 - 128 - 5 - 10);
  });

  it('prints a readable summary without --json', () => {
    const { code, stdout } = nexus(`${FIXTURES}mt4.csv`, '--seq-len', '4', '--horizon', '2');
    expect(code).toBe(0);
    expect(stdout).toMatch(/mt4.csv: mt4, utf-8, delimiter ",", no header, CRLF/);
    expect(stdout).toMatch(/rows: 30 read, 30 kept/);
    expect(stdout).toMatch(/train +DOWN \d+ +NEUTRAL \d+ +UP \d+/);
  });

  it('exits 0 with a note when the bars are too few for the default settings', () => {
    const { code, stdout } = nexus(`${FIXTURES}mt4.csv`, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.labels).toBeNull();
    expect(report.warnings.join(' ')).toMatch(/30 bars are too few/);
  });

  it.each([
    [['/no/such/file.csv'], /^nexus inspect: cannot read \/no\/such\/file.csv: no such file\n$/],
    [[], /^nexus inspect: usage: nexus inspect FILE/],
    [[`${FIXTURES}mt4.csv`, '--bogus'], /^nexus inspect: unknown option --bogus\n$/],
    [[`${FIXTURES}mt4.csv`, '--mapping', '{'], /--mapping must be JSON/],
  ])('exits 2 with one line for %j', (args, pattern) => {
    const { code, stderr, stdout } = nexus(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(pattern);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
