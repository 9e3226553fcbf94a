// Guards against a loop that does not learn and against leakage, through the whole data
// pipeline (CSV → bars → features → splits → trainer): on bars with a planted, learnable
// pattern the tiny preset clearly beats both baselines; on a pure random walk its test
// accuracy stays within noise of the majority baseline.

import { beforeAll, describe, expect, it } from 'vitest';
import { preset } from '../../src/model/config.ts';
import { prepareRun } from '../../src/run/prepare.ts';
import { experimentSettings } from '../../src/run/settings.ts';
import { Trainer } from '../../src/train/trainer.ts';
import type { SplitMetrics } from '../../src/train/metrics.ts';
import { Rng } from '../../src/random.ts';
import { cpuBackend } from '../support/tf.ts';

/** M1 bars as a generic CSV; `ret(t)` gives bar t's log return from the previous close. */
function barsCsv(n: number, seed: number, planted: boolean): Uint8Array {
  const rng = new Rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const lines = ['timestamp,open,high,low,close,volume'];
  let close = 1.1;
  let signal = 0; // planted: this bar's volume says where the next bar goes
  for (let t = 0; t < n; t++) {
    const r = planted ? signal * 4e-4 + gauss() * 2e-5 : gauss() * 2e-4;
    const open = close;
    close = open * Math.exp(r);
    signal = planted ? rng.int(3) - 1 : 0;
    const volume = planted ? [10, 100, 1000][signal + 1] : 50 + rng.int(100);
    const time = new Date(Date.UTC(2024, 0, 2) + t * 60_000).toISOString();
    lines.push(`${time},${open.toFixed(6)},${Math.max(open, close).toFixed(6)},${Math.min(open, close).toFixed(6)},${close.toFixed(6)},${volume}`);
  }
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

async function trainOn(csv: Uint8Array, sets: string[]): Promise<SplitMetrics> {
  const settings = experimentSettings(['seq_len=16', 'learning_rate=0.003', 'epochs=4', 'early_stopping_patience=0', ...sets]);
  const run = await prepareRun(csv, preset('tiny'), settings, { fileName: 'synthetic.csv' });
  let test: SplitMetrics | undefined;
  const trainer = new Trainer({ config: run.config, settings: settings.training, data: run.data, emit: (e) => void (e.type === 'done' && (test = e.test)) });
  await trainer.run();
  trainer.dispose();
  return test!;
}

describe('honest evaluation', () => {
  beforeAll(cpuBackend);

  it('learns a planted pattern: the last bar volume gives the next bar direction', async () => {
    const test = await trainOn(barsCsv(3000, 1, true), ['horizon=1']);
    expect(test.accuracy).toBeGreaterThan(test.baselines.majority.accuracy + 0.25);
    expect(test.accuracy).toBeGreaterThan(test.baselines.persistence.accuracy + 0.25);
    expect(test.macro_f1).toBeGreaterThan(0.6);
  });

  it('finds nothing in a random walk', async () => {
    const test = await trainOn(barsCsv(3000, 2, false), []);
    const n = test.confusion.flat().reduce((a, b) => a + b, 0);
    const p = test.baselines.majority.accuracy;
    const noise = 3 * Math.sqrt((p * (1 - p)) / n); // three standard errors
    expect(test.accuracy).toBeLessThan(p + noise);
  });
});
