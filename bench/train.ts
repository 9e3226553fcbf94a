// `npm run bench train`: training-step speed of the engine on the Node backends (the pure-JS
// cpu backend and wasm) for tiny, v1 and v2 at batch 32, beside PyTorch eager fp32 on the
// same CPU. FLOP/s from src/model/flops.ts; PyTorch's is counted over every position.

import * as tf from '../src/tf.ts';
import { presets } from '../src/model/config.ts';
import { trainingStepFlops } from '../src/model/flops.ts';
import { startBackend } from './backends.ts';
import { Budget, runOnBackend, runTorch, torchRowFor, type RunResult, type RunSpec } from './plan.ts';
import { CaseReport, num, table, type CaseOptions, type Table } from './report.ts';

function specs(quick: boolean): RunSpec[] {
  return [
    { name: 'tiny', batch: 32, warmup: quick ? 1 : 3, steps: quick ? 5 : 20 },
    { name: 'v1', batch: 32, warmup: 1, steps: quick ? 2 : 5 },
    // v2 is ~66 GFLOP a step: tens of seconds on one core, so few steps.
    { name: 'v2', batch: 32, warmup: quick ? 0 : 1, steps: quick ? 1 : 2 },
  ];
}

export async function trainCase(o: CaseOptions): Promise<CaseReport> {
  const report = new CaseReport('train');
  report.info.tfjs = tf.version_core;
  const plan = specs(o.quick);
  const t = report.add(table('Training step, Node CPU backends vs PyTorch eager fp32 (batch 32)',
    ['config', 'backend', 'ms/step', 'samples/s', 'GFLOP/s', 'steps (warm-up + timed)', 'PyTorch ms/step', 'TF.js ÷ PyTorch']));
  const perBackendS = o.quick ? 90 : 600; // v2 on the cpu backend alone is ~3 min a step

  const torch = await runTorch(plan, 'cpu', perBackendS);
  report.info.torch = torch.info ?? { error: torch.error };
  for (const backend of ['cpu', 'wasm'] as const) {
    const started = await startBackend(backend);
    if ('error' in started) {
      t.rows.push(['all', backend, null, null, null, null, null, `did not start: ${started.error}`]);
      continue;
    }
    report.info[backend] = started.detail;
    await runOnBackend(plan, new Budget(perBackendS), (r) => {
      addRow(t, started.detail, r, torchRowFor(torch, r.spec)?.ms_per_step);
      report.record({ backend, ...flatten(r), torch_ms_per_step: torchRowFor(torch, r.spec)?.ms_per_step ?? null });
      console.error(`train ${backend} ${r.spec.name}: ${'timing' in r ? `${r.timing.msPerStep.toFixed(1)} ms/step` : r.skipped}`);
    });
  }
  for (const spec of plan) {
    const row = torchRowFor(torch, spec);
    if (row?.ms_per_step === undefined) {
      t.rows.push([spec.name, 'PyTorch cpu', null, null, null, null, null, row?.skipped ?? torch.error ?? 'not run']);
      continue;
    }
    const flops = trainingStepFlops(presets[spec.name], spec.batch, { lastOnly: false });
    t.rows.push([spec.name, `PyTorch ${torch.info?.torch} cpu`, num(row.ms_per_step), num(row.samples_per_s),
      num(flops / (row.ms_per_step / 1000) / 1e9), `${row.warmup} + ${row.steps}`, num(row.ms_per_step), 1]);
  }
  t.notes.push(
    'TF.js GFLOP/s counts what the engine computes (the last layer at the last position only); PyTorch\'s counts ' +
      'every position, as its module computes them (src/model/flops.ts, lastOnly false). The ratio compares time per step.',
    `PyTorch threads: ${torch.info?.threads ?? '?'} (its default here); the TF.js backends run on one thread in Node (the backend column says how wasm ran).`,
    'v2 on the pure-JS cpu backend is slow: it is timed over few steps (see the steps column).',
  );
  return report;
}

export function addRow(t: Table, backend: string, r: RunResult, torchMs: number | undefined): void {
  const { spec } = r;
  if ('skipped' in r) {
    t.rows.push([spec.name + (spec.batch !== 32 ? ` @${spec.batch}` : ''), backend, null, null, null, null, num(torchMs), `skipped: ${r.skipped}`]);
    return;
  }
  const { timing } = r;
  t.rows.push([spec.name + (spec.batch !== 32 ? ` @${spec.batch}` : ''), backend, num(timing.msPerStep), num(timing.samplesPerS),
    num(timing.gflops), `${timing.warmup} + ${timing.steps}`, num(torchMs), torchMs ? num(timing.msPerStep / torchMs) : null]);
}

export function flatten(r: RunResult): Record<string, unknown> {
  return 'timing' in r ? { ...r.spec, ...r.timing } : { ...r.spec, skipped: r.skipped };
}
