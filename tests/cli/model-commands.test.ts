// `nexus summary`, `export` and `forward` end to end: MODEL.md's numbers, files PyTorch
// loads, outputs equal to PyTorch's, and exit code 2 with one line for bad usage or input.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTorch, runPython, tempDir } from '../support/python.ts';
import { nexus } from '../support/cli.ts';
import { randomNested } from '../support/tf.ts';
import { preset } from '../../src/model/config.ts';

const parity = join(import.meta.dirname, '..', 'model', 'py', 'parity.py');

describe('nexus summary', () => {
  it.each([
    ['tiny', '17,572'],
    ['v1', '417,700'],
    ['v2', '3,204,132'],
  ])('prints the parameter table of %s with MODEL.md total %s', (name, total) => {
    const r = nexus('summary', '--preset', name);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`total\\s+${total}\\s+trainable parameters`));
    expect(r.stdout).toContain('transformer_encoder.layers.0');
    expect(r.stdout).toMatch(/nexus_transformer\.pth: [\d,]+ bytes/);
  });

  it('prints JSON with --json', () => {
    const r = nexus('summary', '--config', '{"d_model": 192, "nhead": 8, "num_layers": 3}', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.config).toMatchObject({ preset: 'custom', d_model: 192, num_layers: 3 });
    expect(s.parameters).toBe(s.modules.reduce((n: number, m: { parameters: number }) => n + m.parameters, 0));
  });
});

describe('nexus export and forward', () => {
  it.skipIf(!hasTorch)('exports files PyTorch loads, and forward prints what PyTorch computes', () => {
    const dir = tempDir();
    expect(nexus('export', '--preset', 'tiny', '--seed', '3', '--out', dir).code).toBe(0);
    const config = preset('tiny');
    const input = { x: randomNested([2, config.seq_len, 5], 8), ob: randomNested([2, 40], 9) };
    writeFileSync(join(dir, 'input.json'), JSON.stringify(input));
    for (const file of ['nexus_transformer.pth', 'nexus_transformer.safetensors']) {
      const r = nexus('forward', '--weights', join(dir, file), '--input', join(dir, 'input.json'));
      expect(r.code, r.stderr).toBe(0);
      const ours = JSON.parse(r.stdout) as { trend_logits: number[][]; vol_pred: number[][] };
      expect(ours.trend_logits).toHaveLength(2);
      expect(ours.vol_pred[0]).toHaveLength(1);
      runPython(parity, [JSON.stringify(config), file.endsWith('.pth') ? 'run-pth' : 'run-safetensors', join(dir, file), join(dir, 'input.json'), join(dir, 'torch.json')]);
      const theirs = JSON.parse(readFileSync(join(dir, 'torch.json'), 'utf8')) as typeof ours;
      ours.trend_logits.flat().forEach((v, i) => expect(Math.abs(v - theirs.trend_logits.flat()[i])).toBeLessThan(1e-4));
      ours.vol_pred.flat().forEach((v, i) => expect(Math.abs(v - theirs.vol_pred.flat()[i])).toBeLessThan(1e-4));
    }
  });
});

describe('bad usage and input exit with 2 and one line', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'bad-shape.json'), JSON.stringify({ x: [[[1, 2, 3]]], ob: [new Array(40).fill(0)] }));
  writeFileSync(join(dir, 'not-weights.pth'), 'hello');
  writeFileSync(join(dir, 'ok.json'), JSON.stringify({ x: [[[1, 2, 3, 4, 5]]], ob: [new Array(40).fill(0)] }));

  it.each([
    [['fly'], /unknown command "fly"/],
    [['export', '--preset', 'tiny'], /missing --out/],
    [['export', '--preset', 'tiny', '--seed', 'x', '--out', dir], /--seed must be a whole number/],
    [['summary', '--preset', 'v1', '--colour'], /unknown option --colour/],
    [['forward', '--weights', join(dir, 'missing.pth'), '--input', join(dir, 'ok.json')], /cannot read/],
    [['forward', '--weights', join(dir, 'not-weights.pth'), '--input', join(dir, 'ok.json')], /not-weights\.pth/],
    [['forward', '--weights', join(dir, 'not-weights.pth'), '--input', join(dir, 'bad-shape.json')], /x\[0\]\[0\] must be a list of 5/],
  ])('%j', (args, message) => {
    const r = nexus(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n').length === 1 || args[0] === 'fly').toBe(true);
  });
});
