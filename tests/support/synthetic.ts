// A small in-memory TrainingData for loop tests that do not need a CSV: random inputs
// whose label is planted in the last bar (so the loop has something to learn), or not.

import { Rng } from '../../src/random.ts';
import type { HostBatch, TrainingData } from '../../src/train/data.ts';

export interface SyntheticOptions {
  samples: number;
  seqLen: number;
  seed: number;
  planted: boolean; // label = direction of the last bar's feature 3; else random labels
  poison?: number; // a sample index whose input is NaN
}

export function syntheticData(o: SyntheticOptions): TrainingData {
  const rng = new Rng(o.seed);
  const x = rng.fillUniform(new Float32Array(o.samples * o.seqLen * 5), -1, 1);
  const ob = rng.fillUniform(new Float32Array(o.samples * 40), -1, 1);
  const labels = new Int32Array(o.samples);
  const vol = new Float32Array(o.samples);
  for (let i = 0; i < o.samples; i++) {
    const signal = x[(i * o.seqLen + o.seqLen - 1) * 5 + 3];
    labels[i] = o.planted ? (signal < -0.33 ? 0 : signal > 0.33 ? 2 : 1) : rng.int(3);
    vol[i] = Math.abs(signal) * 2 - 1;
  }
  if (o.poison !== undefined) x.fill(NaN, o.poison * o.seqLen * 5, (o.poison + 1) * o.seqLen * 5);
  const closes = new Float64Array(o.samples + 10).map((_, i) => 100 + Math.sin(i));
  const n = o.samples;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  return {
    splits: { train: all.slice(0, Math.floor(n * 0.7)), validation: all.slice(Math.floor(n * 0.7), Math.floor(n * 0.9)), test: all.slice(Math.floor(n * 0.9)) },
    batch(t): HostBatch {
      const B = t.length;
      const b: HostBatch = { size: B, x: new Float32Array(B * o.seqLen * 5), ob: new Float32Array(B * 40), label: new Int32Array(B), vol: new Float32Array(B) };
      for (let k = 0; k < B; k++) {
        const i = t[k];
        b.x.set(x.subarray(i * o.seqLen * 5, (i + 1) * o.seqLen * 5), k * o.seqLen * 5);
        b.ob.set(ob.subarray(i * 40, (i + 1) * 40), k * 40);
        b.label[k] = labels[i];
        b.vol[k] = vol[i];
      }
      return b;
    },
    labels: (t) => Int32Array.from(t, (i) => labels[i]),
    closes,
    horizon: 5,
    theta: 0.001,
    barSeconds: 60,
  };
}
