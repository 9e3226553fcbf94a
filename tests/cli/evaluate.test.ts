// `nexus evaluate` on the bot's own kind of file: a v1 .pth saved by PyTorch, scored on the
// real M1 fixture's test split, gives the test metrics a PyTorch evaluation gives; nhead and
// seq_len come from the json beside the weights, the matching preset, or the user.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTorch, runPython, tempDir } from '../support/python.ts';
import { nexus } from '../support/cli.ts';

const root = join(import.meta.dirname, '..', '..');
const m1 = join(root, 'tests', 'fixtures', 'm1', 'mt4_CADJPY1_jeremidaneau.csv');
const reference = join(import.meta.dirname, 'py', 'evaluate_ref.py');
const work = tempDir('nexus-evaluate-');

interface Scores { accuracy: number; balanced_accuracy: number; macro_f1: number }
interface Evaluation extends Scores {
  loss: number;
  vol_rmse: number;
  confusion: number[][];
  baselines: { majority: Scores; persistence: Scores };
}

function evaluate(...args: string[]): { config: { nhead: number; seq_len: number; preset: string }; samples: Record<string, number>; test: Evaluation } {
  const r = nexus('evaluate', ...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe.skipIf(!hasTorch)('nexus evaluate against PyTorch', () => {
  it('scores a v1 .pth saved by torch.save as PyTorch does, to 1e-4', () => {
    const pth = join(work, 'v1.pth');
    runPython(reference, ['save-v1', '7', pth]);
    const r = nexus('evaluate', '--weights', pth, m1, '--json');
    expect(r.code, r.stderr).toBe(0);
    writeFileSync(join(work, 'ours.json'), r.stdout);
    const ours = JSON.parse(r.stdout) as { config: { preset: string; nhead: number; seq_len: number }; samples: { test: number }; test: Evaluation };
    expect(ours.config).toMatchObject({ preset: 'v1', nhead: 4, seq_len: 64 }); // the preset with these shapes
    expect(ours.samples.test).toBeGreaterThan(150);
    const theirs = JSON.parse(runPython(reference, ['evaluate', pth, m1, join(work, 'ours.json')])) as Evaluation;

    expect(ours.test.confusion).toEqual(theirs.confusion);
    expect(ours.test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(ours.samples.test);
    for (const key of ['accuracy', 'balanced_accuracy', 'macro_f1'] as const) {
      expect(ours.test[key]).toBeCloseTo(theirs[key], 12);
      for (const b of ['majority', 'persistence'] as const) expect(ours.test.baselines[b][key]).toBeCloseTo(theirs.baselines[b][key], 12);
    }
    expect(Math.abs(ours.test.loss - theirs.loss)).toBeLessThan(1e-4);
    expect(Math.abs(ours.test.vol_rmse - theirs.vol_rmse)).toBeLessThan(1e-4);
  });

  it('rejects a real .pth that is not the bot\'s model with one line', () => {
    const other = join(work, 'linear.pth');
    runPython(reference, ['save-other', other]);
    const r = nexus('evaluate', '--weights', other, m1);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('nexus evaluate: this is not a TimeSeriesTransformer state_dict: it has no "input_proj.weight"');
  });
});

describe('where nhead and seq_len come from', () => {
  // tiny's shapes with 4 heads and 16-bar windows: only the json can say so.
  const exported = join(work, 'custom');
  const alone = join(work, 'alone');
  const made = nexus('export', '--config', '{"preset": "tiny", "nhead": 4, "seq_len": 16}', '--out', exported);
  mkdirSync(alone, { recursive: true });

  it('reads them from the nexus_transformer.json beside the weights', () => {
    expect(made.code, made.stderr).toBe(0);
    for (const file of ['nexus_transformer.pth', 'nexus_transformer.safetensors']) {
      expect(evaluate('--weights', join(exported, file), m1).config).toMatchObject({ nhead: 4, seq_len: 16 });
    }
  });

  it('falls back to the preset with the same shapes, and the user overrides both', () => {
    copyFileSync(join(exported, 'nexus_transformer.pth'), join(alone, 'bot.pth'));
    expect(evaluate('--weights', join(alone, 'bot.pth'), m1).config).toMatchObject({ preset: 'tiny', nhead: 2, seq_len: 32 });
    const chosen = evaluate('--weights', join(alone, 'bot.pth'), m1, '--nhead', '8', '--set', 'seq_len=24');
    expect(chosen.config).toMatchObject({ nhead: 8, seq_len: 24 });
  });

  it('says where nhead came from in its readable output', () => {
    const r = nexus('evaluate', '--weights', join(alone, 'bot.pth'), m1);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^bot\.pth \(pth\): d_model 32, nhead 2 \(from preset tiny\), 1 layer, seq_len 32$/m);
    expect(r.stdout).toMatch(/^ {2}accuracy\s+[\d.]+%\s+[\d.]+%\s+[\d.]+%$/m);
    expect(r.stdout).toMatch(/^ {2}UP(\s+\d+){3}$/m);
    expect(r.stdout).toMatch(/^trading at 1 bp a trade: \d+ trades/m);
  });
});

describe('bad input exits with 2 and one line', () => {
  const dir = tempDir('nexus-evaluate-bad-');
  writeFileSync(join(dir, 'hello.pth'), 'hello');
  writeFileSync(join(dir, 'short.csv'), `${readFileSync(m1, 'utf8').split(/\r?\n/).slice(0, 50).join('\r\n')}\r\n`);
  const custom = join(dir, 'custom');
  nexus('export', '--config', '{"d_model": 48, "nhead": 4, "num_layers": 1}', '--out', custom);
  copyFileSync(join(custom, 'nexus_transformer.pth'), join(dir, 'custom.pth')); // no json beside it

  it.each([
    ['weights that are not a PyTorch file', ['--weights', join(dir, 'hello.pth'), m1], /hello\.pth is not a PyTorch file/],
    ['missing weights', ['--weights', join(dir, 'missing.pth'), m1], /cannot read .*missing\.pth/],
    ['unknown heads', ['--weights', join(dir, 'custom.pth'), m1], /matches no preset: give the number of heads \(--nhead\)/],
    ['a CSV too short', ['--weights', join(custom, 'nexus_transformer.pth'), join(dir, 'short.csv')], /50 bars are too few/],
    ['an unknown setting', ['--weights', join(custom, 'nexus_transformer.pth'), m1, '--set', 'colour=red'], /unknown setting "colour"/],
    ['no CSV', ['--weights', join(custom, 'nexus_transformer.pth')], /give one CSV file/],
  ])('%s', (_, args, message) => {
    const r = nexus('evaluate', ...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
