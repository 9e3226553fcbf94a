// `npm run bench gpu` (issue 7): the training engine on TF.js's webgpu backend in Node
// through Dawn, tiny/v1/v2 at batch 32 and v2 at 64 and 128, beside PyTorch eager fp32
// (cuda, else cpu), and a per-kernel profile of one v2 step. Capped by --budget-s.

import { presets } from '../src/model/config.ts';
import { trainingStepFlops } from '../src/model/flops.ts';
import { isSoftwareAdapter, startBackend } from './backends.ts';
import { Budget, runOnBackend, runTorch, torchRowFor, type RunResult, type RunSpec } from './plan.ts';
import { CaseReport, mib, num, table, type CaseOptions, type Table } from './report.ts';
import { StepRunner, type KernelProfile } from './steps.ts';
import { flatten } from './train.ts';

function specs(slow: boolean): RunSpec[] {
  // On a software adapter (SwiftShader: ~0.2 GFLOP/s) a v1 step takes ~15 s: tiny is run
  // fully, the rest with one timed step, and the budget skips what cannot finish.
  const big = slow ? { warmup: 1, steps: 1 } : { warmup: 3, steps: 10 };
  return [
    { name: 'tiny', batch: 32, ...(slow ? { warmup: 2, steps: 5 } : { warmup: 3, steps: 20 }) },
    { name: 'v1', batch: 32, ...big },
    { name: 'v2', batch: 32, ...big },
    { name: 'v2', batch: 64, ...big },
    { name: 'v2', batch: 128, ...big },
  ];
}

export async function gpuCase(o: CaseOptions): Promise<CaseReport> {
  const report = new CaseReport('gpu');
  const budget = new Budget(o.budgetS);
  const t = report.add(table('Training step on WebGPU (TF.js in Node through Dawn) vs PyTorch eager fp32',
    ['config', 'batch', 'ms/step', 'samples/s', 'TFLOP/s', 'peak GPU MiB (tensors / pool)', 'first step ms', 'steps (warm-up + timed)',
      'PyTorch ms/step', 'WebGPU ÷ PyTorch']));
  const started = await startBackend('webgpu');
  if ('error' in started) {
    t.rows.push(['all', null, null, null, null, null, null, null, null, `webgpu did not start: ${started.error}`]);
    t.notes.push('Dawn needs a Vulkan loader (libvulkan.so.1) and a driver: VK_ICD_FILENAMES (see BENCHMARKS.md).');
    return report;
  }
  const adapter = started.adapter;
  const software = isSoftwareAdapter(adapter);
  const slow = o.quick || software;
  report.info.adapter = adapter;
  report.info.software_adapter = software;
  t.title += ` — adapter: ${adapter?.name ?? 'unknown'}${software ? ' (software: not a GPU measurement)' : ''}`;
  const plan = specs(slow);

  // PyTorch first and on its own, with a quarter of the budget (it is the fast side on a GPU).
  const torch = await runTorch(plan, 'auto', budget.left * 0.25);
  report.info.torch = torch.info ?? { error: torch.error };
  console.error(`gpu: PyTorch on ${torch.info?.device ?? 'nothing'} done, ${Math.round(budget.left)} s left`);

  const profileShare = 0.25; // kept back for the profile
  const webgpuBudget = new Budget(budget.left * (1 - profileShare));
  const results = await runOnBackend(plan, webgpuBudget, (r) => {
    addGpuRow(t, r, torchRowFor(torch, r.spec)?.ms_per_step);
    report.record({ backend: 'webgpu', ...flatten(r), torch: torchRowFor(torch, r.spec) ?? null });
    console.error(`gpu webgpu ${r.spec.name}@${r.spec.batch}: ${'timing' in r ? `${r.timing.msPerStep.toFixed(1)} ms/step` : r.skipped}`);
  }, software ? 10 : 2);
  for (const spec of plan) {
    const row = torchRowFor(torch, spec);
    const flops = trainingStepFlops(presets[spec.name], spec.batch, { lastOnly: false });
    t.rows.push([`${spec.name} (PyTorch ${torch.info?.torch ?? ''} ${torch.info?.device ?? ''})`, spec.batch, num(row?.ms_per_step),
      num(row?.samples_per_s), row?.ms_per_step ? num(flops / (row.ms_per_step / 1000) / 1e12) : null, mib(row?.peak_bytes),
      num(row?.first_step_ms), row?.steps === undefined ? null : `${row.warmup} + ${row.steps}`, num(row?.ms_per_step),
      row?.skipped ?? (row === undefined ? (torch.error ?? 'not run') : 1)]);
  }
  t.notes.push(
    `PyTorch: ${torch.info ? `${torch.info.torch} on ${torch.info.device} (${torch.info.device_name})` : torch.error}; its TFLOP/s counts every position (the module computes them), the engine's only what it computes.`,
    'Peak GPU memory: tf.memory() live tensor bytes after the backward pass, and the webgpu backend\'s buffer pool (numBytesAllocatedInGPU), high-water; PyTorch: torch.cuda.max_memory_allocated.',
    'ms/step: mean over the timed steps, each ended by `await loss.data()`, the last by a read of the weights.',
  );

  const p = report.add(table('Per-kernel profile of one v2 training step (tf.profile)',
    ['kernel', 'dispatches', 'kernel ms', '% of kernel time', 'µs per dispatch']));
  const profile = await profileV2(results, budget, software);
  if ('skipped' in profile) {
    p.rows.push(['—', null, null, null, profile.skipped]);
  } else {
    const total = profile.result.kernels.reduce((s, k) => s + k.ms, 0);
    for (const k of profile.result.kernels.slice(0, 20)) {
      p.rows.push([k.name, k.count, num(k.ms), total > 0 ? num((100 * k.ms) / total) : null, k.count > 0 ? num((1000 * k.ms) / k.count) : null]);
    }
    p.title += ` — batch ${profile.batch}`;
    p.notes.push(
      `${profile.result.dispatches} kernels in the step; GPU kernel time ${num(total)} ms of ${num(profile.result.wallMs)} ms wall under the profiler ` +
        '(which submits and times each kernel on its own, so wall time here is slower than in the table above).',
      profile.result.timed ? 'Kernel times are GPU timestamps (timestamp-query).' :
        'The adapter reported no kernel times (no timestamp-query): only dispatch counts are real.',
    );
    report.record({ profile_batch: profile.batch, profile: profile.result });
  }
  return report;
}

function addGpuRow(t: Table, r: RunResult, torchMs: number | undefined): void {
  const { spec } = r;
  if ('skipped' in r) {
    t.rows.push([spec.name, spec.batch, null, null, null, null, null, null, num(torchMs), `skipped: ${r.skipped}`]);
    return;
  }
  const x = r.timing;
  t.rows.push([spec.name, spec.batch, num(x.msPerStep), num(x.samplesPerS), num(x.gflops / 1000, 3),
    `${mib(x.peakTensorBytes)} / ${mib(x.peakAllocatedBytes)}`, num(x.firstStepMs), `${x.warmup} + ${x.steps}`, num(torchMs),
    torchMs ? num(x.msPerStep / torchMs) : null]);
}

/** One v2 step under the profiler: batch 32, or on a slow adapter the largest that fits the time left. */
async function profileV2(results: RunResult[], budget: Budget, software: boolean):
  Promise<{ batch: number; result: KernelProfile } | { skipped: string }> {
  const timed = results.flatMap((r) => ('timing' in r && r.timing.flopsPerStep >= 1e9 ? [r] : [])); // rates set by FLOPs, not overhead
  const last = timed[timed.length - 1];
  const rate = last === undefined ? null : last.timing.flopsPerStep / (last.timing.msPerStep / 1000);
  // Profiling submits every kernel alone: allow 2× a step, plus the warm-up step.
  const cost = (b: number) => (rate === null ? Infinity : (3 * trainingStepFlops(presets.v2, b)) / rate + (software ? 10 : 2));
  const batch = [32, 16, 8, 4, 2, 1].find((b) => (software ? cost(b) < budget.left : b === 32));
  if (batch === undefined || cost(batch) > budget.left) {
    return { skipped: `no time left for a v2 step (${Math.round(budget.left)} s left, ${rate === null ? 'no measured rate' : `~${Math.round(cost(1))} s at batch 1`})` };
  }
  const runner = new StepRunner(presets.v2, batch);
  try {
    await runner.step(); // compiles the shaders outside the profile
    await runner.sync();
    return { batch, result: await runner.profile() };
  } finally {
    runner.dispose();
  }
}
