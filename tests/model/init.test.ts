// Seeded initialization: reproducible, and drawn from PyTorch's own distributions
// (compared with the bounds and spread of a torch-initialized model).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preset } from '../../src/model/config.ts';
import { initStateDict } from '../../src/model/init.ts';
import { paramSpecs } from '../../src/model/params.ts';
import { numel } from '../../src/formats/state-dict.ts';
import { hasTorch, runPython, tempDir } from '../support/python.ts';

const script = join(import.meta.dirname, 'py', 'parity.py');

describe('initialization', () => {
  it('gives identical weights for the same seed and different ones otherwise', () => {
    const a = initStateDict(preset('tiny'), 5);
    const b = initStateDict(preset('tiny'), 5);
    const c = initStateDict(preset('tiny'), 6);
    for (const [name, t] of a) expect(b.get(name)!.data).toEqual(t.data);
    expect(c.get('input_proj.weight')!.data).not.toEqual(a.get('input_proj.weight')!.data);
  });

  it.skipIf(!hasTorch)('draws from the same distributions as PyTorch (v1, every tensor)', () => {
    const config = preset('v1');
    const dir = tempDir();
    runPython(script, [JSON.stringify(config), 'init-stats', '3', join(dir, 'stats.json')]);
    const torchStats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as Record<string, Stats>;
    const ours = initStateDict(config, 3);
    expect([...ours.keys()]).toEqual(Object.keys(torchStats));
    for (const spec of paramSpecs(config)) {
      const mine = stats(ours.get(spec.name)!.data);
      const ref = torchStats[spec.name];
      if (spec.init.kind !== 'uniform') {
        // ones, zeros and the positional table are not random: equal up to float32 rounding
        expect(Math.abs(mine.min - ref.min) + Math.abs(mine.max - ref.max) + Math.abs(mine.std - ref.std), spec.name).toBeLessThan(1e-5);
        continue;
      }
      // U(-b, b): both inside the bound and, where there are draws enough to tell, both
      // with the std b/sqrt(3) of that uniform
      const { bound } = spec.init;
      const n = numel(spec.shape);
      for (const s of [mine, ref]) {
        expect(Math.max(-s.min, s.max), spec.name).toBeLessThanOrEqual(bound * (1 + 1e-6));
        if (n >= 60) expect(Math.abs((s.std * Math.sqrt(3)) / bound - 1), spec.name).toBeLessThan(n >= 1000 ? 0.05 : 0.25);
      }
    }
  });
});

interface Stats {
  min: number;
  max: number;
  std: number;
}

function stats(data: Float32Array): Stats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / data.length;
  const std = Math.sqrt(data.reduce((s, v) => s + (v - mean) ** 2, 0) / data.length);
  return { min, max, std };
}
