// `npm run bench gpu` (issue 7): the training engine on TF.js's webgpu backend in Node
// through Dawn, tiny/v1/v2 at batch 32 and v2 at 64 and 128, beside PyTorch eager fp32
// (cuda, else cpu), and a per-kernel profile of one v2 step. Capped by --budget-s.

import * as tf from '../src/tf.ts';
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
  report.info.tfjs = tf.version_core;
  const budget = new Budget(o.budgetS);
  const t = report.add(table('Training step on WebGPU (TF.js in Node through Dawn) vs PyTorch eager fp32',
    ['config', 'batch', 'ms/step', 'samples/s', 'TFLOP/s', 'peak GPU MiB (tensors / pool)', 'first step ms', 'steps (warm-up + timed)',
      'PyTorch ms/step', 'WebGPU ÷ PyTorch']));
  const started = await startBackend('webgpu');
  const adapter = 'error' in started ? undefined : started.adapter;
  const software = isSoftwareAdapter(adapter);
  report.info.adapter = adapter ?? null;
  report.info.software_adapter = software;
  // Without WebGPU PyTorch still runs: a lent GPU's minutes then still give half the table.
  const plan = specs(o.quick || software);
  if ('error' in started) {
    t.title += ' — WebGPU did not start';
    t.rows.push(['all', null, null, null, null, null, null, null, null, `webgpu did not start: ${started.error}`]);
    t.notes.push('Dawn needs a Vulkan loader (libvulkan.so.1) and a driver: VK_ICD_FILENAMES (see BENCHMARKS.md).');
  } else {
    t.title += ` — adapter: ${adapter?.name ?? 'unknown'}${software ? ' (software: not a GPU measurement)' : ''}`;
  }

  // PyTorch first and on its own, with a quarter of the budget (it is the fast side on a GPU).
  const torch = await runTorch(plan, 'auto', 'error' in started ? budget.left : budget.left * 0.25);
  report.info.torch = torch.info ?? { error: torch.error };
  console.error(`gpu: PyTorch on ${torch.info?.device ?? 'nothing'} done, ${Math.round(budget.left)} s left`);

  const profileShare = 0.25; // kept back for the profile
  const results = 'error' in started ? [] : await runOnBackend(plan, new Budget(budget.left * (1 - profileShare)), (r) => {
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
    `PyTorch: ${torch.info ? `${torch.info.torch} on ${torch.info.device} (${torch.info.device_name})` : torch.error}` +
      `${torch.info?.tf32_matmul === undefined ? '' : `, TF32 matmuls ${torch.info.tf32_matmul ? 'on' : 'off'}`}; ` +
      'its TFLOP/s counts every position (the module computes them), the engine\'s only what it computes.',
    'Peak GPU memory: tf.memory() live tensor bytes after the backward pass, and the webgpu backend\'s buffer pool (numBytesAllocatedInGPU), high-water; PyTorch: torch.cuda.max_memory_allocated.',
    'ms/step: mean over the timed steps, each ended by `await loss.data()`, the last by a read of the weights.',
  );

  if (!('error' in started)) await addProfile(report, results, budget, software);
  return report;
}

/** What bounds an op's time: matrix units, a pass over memory, or moving data about. */
type OpClass = 'matmul' | 'reduction' | 'data movement' | 'elementwise';

const opClasses: Record<string, OpClass> = {
  BatchMatMul: 'matmul', _FusedMatMul: 'matmul',
  Sum: 'reduction', Mean: 'reduction', Max: 'reduction', Min: 'reduction', Prod: 'reduction', Softmax: 'reduction',
  Transpose: 'data movement', Slice: 'data movement', PadV2: 'data movement', Concat: 'data movement', Pack: 'data movement',
  Reshape: 'data movement', Tile: 'data movement', GatherV2: 'data movement', Cast: 'data movement', Identity: 'data movement',
  OneHot: 'data movement', SplitV: 'data movement', Fill: 'data movement', ZerosLike: 'data movement', OnesLike: 'data movement', StridedSlice: 'data movement',
};

/** The per-kernel profile of one v2 step, its sums by op class, and what they say about the limits. */
async function addProfile(report: CaseReport, results: RunResult[], budget: Budget, software: boolean): Promise<void> {
  const p = report.add(table('Per-kernel profile of one v2 training step (tf.profile)',
    ['kernel', 'class', 'calls', 'kernel ms', '% of kernel time', 'µs per call']));
  const profile = await profileV2(results, budget, software);
  if ('skipped' in profile) {
    p.rows.push(['—', null, null, null, null, profile.skipped]);
    return;
  }
  const { kernels, calls, wallMs, timed } = profile.result;
  const classOf = (name: string): OpClass => opClasses[name] ?? 'elementwise';
  const total = kernels.reduce((s, k) => s + k.ms, 0);
  const share = (ms: number) => (total > 0 ? num((100 * ms) / total) : null);
  for (const k of kernels.slice(0, 20)) {
    p.rows.push([k.name, classOf(k.name), k.count, num(k.ms), share(k.ms), k.count > 0 ? num((1000 * k.ms) / k.count) : null]);
  }
  p.title += ` — batch ${profile.batch}`;

  const c = report.add(table(`The same step by op class — v2, batch ${profile.batch}`, ['class', 'kernels', 'calls', 'kernel ms', '% of kernel time']));
  const byClass = new Map<OpClass, { kernels: number; count: number; ms: number }>();
  for (const k of kernels) {
    const e = byClass.get(classOf(k.name)) ?? { kernels: 0, count: 0, ms: 0 };
    byClass.set(classOf(k.name), { kernels: e.kernels + 1, count: e.count + k.count, ms: e.ms + k.ms });
  }
  for (const [name, e] of [...byClass].sort((a, b) => b[1].ms - a[1].ms)) c.rows.push([name, e.kernels, e.count, num(e.ms), share(e.ms)]);

  // Every FLOP flops.ts counts is a matrix product, so their time gives the matmul kernels' own rate.
  const matmulMs = byClass.get('matmul')?.ms ?? 0;
  const flops = trainingStepFlops(presets.v2, profile.batch);
  const same = results.find((r) => r.spec.name === 'v2' && r.spec.batch === profile.batch && 'timing' in r);
  const stepMs = same !== undefined && 'timing' in same ? same.timing.msPerStep : null;
  const zero = kernels.filter((k) => k.ms === 0);
  c.notes.push(
    `${calls} kernel calls in one step; GPU kernel time ${num(total)} ms, ${num(wallMs)} ms wall under the profiler ` +
      '(which submits and times each kernel on its own, so it is slower than the table above).',
    timed ? `Kernel times are GPU timestamps (timestamp-query). ${zero.reduce((n, k) => n + k.count, 0)} calls took none ` +
      `(${zero.map((k) => k.name).join(', ')}): views, and small ops with host inputs that the backend runs on the CPU.` :
      'The adapter reported no kernel times (no timestamp-query): only the call counts are real.',
    ...(timed && matmulMs > 0 ? [`Matrix products: ${num(flops / (matmulMs / 1000) / 1e12)} TFLOP/s while they run (${num(flops / 1e9)} GFLOP in ${num(matmulMs)} ms).`] : []),
    ...(timed && stepMs !== null ? [`The GPU is busy ${num((100 * total) / stepMs)}% of a ${num(stepMs)} ms step (timed above, same batch); ` +
      `the rest is the CPU's side (TF.js recording and encoding each op, submitting, small ops it runs on the CPU), ` +
      `about ${num((1000 * Math.max(0, stepMs - total)) / calls)} µs per kernel call.`] : []),
  );
  report.record({ profile_batch: profile.batch, profile: profile.result, step_ms: stepMs });
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
