// Running a list of (preset, batch, warm-up, steps) on a TF.js backend and in PyTorch
// within a time budget: each run's time is estimated from the FLOP rate the previous one
// achieved, so a run that cannot finish is cut to one step or skipped, and says so.

import { presets, type ModelConfig, type PresetName } from '../src/model/config.ts';
import { trainingStepFlops } from '../src/model/flops.ts';
import { defaultTrainingSettings as defaults } from '../src/train/settings.ts';
import { StepRunner, type StepTiming } from './steps.ts';
import { pyScript, pythonWith, runPythonJson } from './python.ts';

export interface RunSpec {
  name: PresetName;
  batch: number;
  warmup: number;
  steps: number;
}

export type RunResult = { spec: RunSpec; timing: StepTiming } | { spec: RunSpec; skipped: string };

export const configOf = (spec: RunSpec): ModelConfig => presets[spec.name];

const minFlopsForRate = 1e9;

/** A budget in seconds, counted from its creation. */
export class Budget {
  private readonly start = performance.now();
  constructor(readonly seconds: number) {}
  get left(): number {
    return this.seconds - (performance.now() - this.start) / 1000;
  }
}

/**
 * Runs the specs in order on the active backend. `overheadS` is added to each estimate
 * for a first step that compiles (WebGPU's shaders).
 */
export async function runOnBackend(specs: RunSpec[], budget: Budget, onResult: (r: RunResult) => void,
  overheadS = 0): Promise<RunResult[]> {
  const results: RunResult[] = [];
  // FLOP/s of the last finished run that was big enough for FLOPs, not per-kernel
  // overhead, to set its time (tiny's 16 MFLOP steps are all overhead on a GPU).
  let rate: number | null = null;
  for (const requested of specs) {
    let spec = requested;
    const flops = trainingStepFlops(configOf(spec), spec.batch);
    const estimate = (s: RunSpec) => (rate === null ? 0 : ((s.warmup + s.steps) * flops) / rate + overheadS);
    if (estimate(spec) > budget.left) spec = { ...spec, warmup: Math.min(spec.warmup, 1), steps: 1 };
    // Without shaders to compile (overheadS 0) a step of minutes times the same warm or
    // cold, so the warm-up step goes before the run does; the steps column says "0 + 1".
    if (estimate(spec) > budget.left && overheadS === 0) spec = { ...spec, warmup: 0 };
    let result: RunResult;
    if (estimate(spec) > budget.left) {
      result = { spec: requested, skipped: `estimated ${Math.round(estimate(spec))} s for ${spec.warmup + spec.steps} steps at the last run's ${((rate ?? 0) / 1e9).toPrecision(3)} GFLOP/s, over the ${Math.max(0, Math.round(budget.left))} s left` };
    } else {
      const runner = new StepRunner(configOf(spec), spec.batch);
      try {
        result = { spec, timing: await runner.time(spec.warmup, spec.steps) };
        if (flops >= minFlopsForRate) rate = flops / (result.timing.msPerStep / 1000);
      } finally {
        runner.dispose();
      }
    }
    results.push(result);
    onResult(result);
  }
  return results;
}

export interface TorchRow {
  name: string;
  batch: number;
  device?: string;
  ms_per_step?: number;
  samples_per_s?: number;
  first_step_ms?: number | null;
  peak_bytes?: number;
  steps?: number;
  warmup?: number;
  skipped?: string;
}

export interface TorchResult {
  info: { torch: string; device: string; device_name: string; threads: number; python: string; tf32_matmul?: boolean } | null;
  rows: TorchRow[];
  error?: string;
}

/** The same specs in PyTorch eager fp32 (bench/py/torch_step.py), or why not. */
export async function runTorch(specs: RunSpec[], device: 'auto' | 'cpu', budgetS: number): Promise<TorchResult> {
  const python = pythonWith('torch');
  if (python === null) return { info: null, rows: [], error: 'no Python with torch found (set BENCH_PYTHON)' };
  // The trainer's defaults, so both sides take the same steps (spec/TRAINING.md).
  const { learning_rate, weight_decay, grad_clip_norm, vol_loss_weight } = defaults;
  const training = { learning_rate, weight_decay, grad_clip_norm, vol_loss_weight };
  const runs = specs.map((s) => ({ ...s, config: configOf(s), training }));
  try {
    return await runPythonJson<TorchResult>(python, pyScript('torch_step.py'),
      ['--device', device, '--budget-s', String(Math.max(1, budgetS * 0.7)), '--runs', JSON.stringify(runs)], Math.round(budgetS * 1000) + 60_000);
  } catch (e) {
    return { info: null, rows: [], error: (e as Error).message };
  }
}

export function torchRowFor(t: TorchResult, spec: RunSpec): TorchRow | undefined {
  return t.rows.find((r) => r.name === spec.name && r.batch === spec.batch);
}
