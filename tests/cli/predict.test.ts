// `nexus predict` against the bot's bot/predict.py on a real M1 file: a model trained by
// `nexus train` gives the same probabilities and volatility, for the same bars, in both
// engines; and bad input exits with 2 and one line from either.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasTorch, python, tempDir } from '../support/python.ts';
import { nexus } from '../support/cli.ts';

const root = join(import.meta.dirname, '..', '..');
const m1 = join(root, 'tests', 'fixtures', 'm1', 'mt4_CADJPY1_jeremidaneau.csv');
const predictPy = join(root, 'bot', 'predict.py');
const tolerance = 1e-4;

interface PredictOutput {
  config: { seq_len: number };
  predictions: { t: number; time: string; probabilities: number[]; class: string; vol_pred: number; log_volatility: number; volatility: number }[];
}

function botPredict(...args: string[]) {
  const r = spawnSync(python, [predictPy, ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(r: { code: number | null; stdout: string; stderr: string }): PredictOutput {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as PredictOutput;
}

const work = tempDir('nexus-predict-');
const exportDir = join(work, 'export');
const untrained = join(work, 'untrained');
const short = join(work, 'short.csv');
const lines = readFileSync(m1, 'utf8').split(/\r?\n/).filter((l) => l !== '');
writeFileSync(short, `${lines.slice(0, 20).join('\r\n')}\r\n`); // fewer bars than the tiny preset's 32-bar window
// The last 300 bars alone: predictions for them must not change, the statistics being the export's.
const tail = join(work, 'tail.csv');
writeFileSync(tail, `${lines.slice(-300).join('\r\n')}\r\n`);

beforeAll(() => {
  const r = nexus('train', m1, '--preset', 'tiny', '--epochs', '1', '--out', exportDir);
  expect(r.code, r.stderr).toBe(0);
  expect(nexus('export', '--preset', 'tiny', '--out', untrained).code).toBe(0);
});

describe('nexus predict', () => {
  it('prints the last N bars with a full window, with the export\'s statistics', () => {
    const ours = json(nexus('predict', '--export', exportDir, m1, '--last', '12', '--json'));
    expect(ours.predictions.map((p) => p.t)).toEqual(Array.from({ length: 12 }, (_, i) => lines.length - 12 + i));
    expect(ours.predictions.at(-1)?.time).toBe('2022-09-30T23:58:00Z');
    for (const p of ours.predictions) {
      expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(p.class).toBe(['DOWN', 'NEUTRAL', 'UP'][p.probabilities.indexOf(Math.max(...p.probabilities))]);
      expect(p.volatility).toBeCloseTo(Math.exp(p.log_volatility) - 1e-12, 15); // inverts ln(sqrt(ss) + 1e-12)
    }
    // Recomputing statistics from the 300 bars would change every input; the export's do not.
    const alone = json(nexus('predict', '--export', exportDir, tail, '--last', '12', '--json'));
    expect(alone.predictions.map((p) => p.time)).toEqual(ours.predictions.map((p) => p.time));
    alone.predictions.forEach((p, i) => {
      p.probabilities.forEach((v, k) => expect(Math.abs(v - ours.predictions[i].probabilities[k])).toBeLessThan(1e-6));
      expect(Math.abs(p.vol_pred - ours.predictions[i].vol_pred)).toBeLessThan(1e-6);
    });
  });

  it('prints a table without --json', () => {
    const r = nexus('predict', '--export', exportDir, m1, '--last', '3');
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out[0]).toBe('tiny model, 32-bar windows, 5-bar horizon');
    expect(out[1]).toMatch(/^t\s+time\s+DOWN\s+NEUTRAL\s+UP\s+class\s+vol_pred\s+volatility$/);
    expect(out.slice(2)).toHaveLength(3);
    expect(out[4]).toMatch(/^2047\s+2022-09-30T23:58:00Z\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(DOWN|NEUTRAL|UP)\s/);
  });
});

describe.skipIf(!hasTorch)('bot/predict.py against nexus predict', () => {
  it('gives the same bars, probabilities and volatility within 1e-4', () => {
    const ours = json(nexus('predict', '--export', exportDir, m1, '--last', '40', '--json'));
    const theirs = json(botPredict('--export', exportDir, m1, '--last', '40', '--json'));
    expect(theirs.config).toEqual(ours.config);
    expect(theirs.predictions.map((p) => [p.t, p.time])).toEqual(ours.predictions.map((p) => [p.t, p.time]));
    theirs.predictions.forEach((p, i) => {
      const o = ours.predictions[i];
      p.probabilities.forEach((v, k) => expect(Math.abs(v - o.probabilities[k])).toBeLessThan(tolerance));
      for (const key of ['vol_pred', 'log_volatility', 'volatility'] as const) expect(Math.abs(p[key] - o[key])).toBeLessThan(tolerance);
      // The class may differ only where two probabilities are closer than the tolerance.
      const sorted = [...o.probabilities].sort((a, b) => b - a);
      if (sorted[0] - sorted[1] > tolerance) expect(p.class).toBe(o.class);
    });
  });

  it('prints the same table layout', () => {
    const r = botPredict('--export', exportDir, m1, '--last', '3');
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out[0]).toBe('tiny model, 32-bar windows, 5-bar horizon');
    expect(out.slice(2).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([['2045', '2022-09-30T23:56:00Z'], ['2046', '2022-09-30T23:57:00Z'], ['2047', '2022-09-30T23:58:00Z']]);
  });
});

describe('bad input exits with 2 and one line', () => {
  const cases: [string, string[], RegExp][] = [
    ['a missing export folder', ['--export', join(work, 'nowhere'), m1], /no export in .*nowhere: nexus_transformer\.json is missing/],
    ['a CSV shorter than the window', ['--export', exportDir, short], /has 20 bars; .* windows of 32 bars, so it needs at least 33/],
    ['an export without training statistics', ['--export', untrained, m1], /no preprocessing statistics/],
    ['a missing CSV', ['--export', exportDir, join(work, 'missing.csv')], /cannot read .*missing\.csv/],
    ['--last 0', ['--export', exportDir, m1, '--last', '0'], /--last must be at least 1/],
  ];

  it.each(cases)('nexus predict: %s', (_, args, message) => {
    const r = nexus('predict', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.skipIf(!hasTorch).each(cases)('bot/predict.py: %s', (_, args, message) => {
    const r = botPredict(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
