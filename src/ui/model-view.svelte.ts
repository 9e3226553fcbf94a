// The model view's state and arithmetic: the custom configuration as typed, validated by
// customConfig with its sentence placed at the field it names, and each preset card's
// exact size, FLOPs per step and epoch time (measured when known, else an estimate).

import type { BackendName } from '../backend/names.ts';
import { isUserError } from '../errors.ts';
import { customConfig, type ModelConfig } from '../model/config.ts';
import { trainingStepFlops } from '../model/flops.ts';
import { paramSpecs, parameterCount, stateDictBytes } from '../model/params.ts';
import { pthSize } from '../formats/pth.ts';

export const customFields = ['d_model', 'nhead', 'num_layers', 'dim_feedforward', 'seq_len', 'ob_hidden', 'dropout'] as const;
export type CustomField = (typeof customFields)[number];

export const fieldHints: Record<CustomField, string> = {
  d_model: 'width of every token vector; divisible by nhead',
  nhead: 'attention heads',
  num_layers: 'encoder layers, 1 to 12',
  dim_feedforward: 'feed-forward width; the bot uses 4 × d_model',
  seq_len: 'bars per sample, 8 to 512',
  ob_hidden: 'order-book MLP sizes: one (v1) or two (v2), e.g. 128, 64',
  dropout: '0 to 0.9',
};

type Validation = { config: ModelConfig; error?: undefined; fields?: undefined } | { config?: undefined; error: string; fields: CustomField[] };

/** Field text as typed, checked as a whole by customConfig on every keystroke. */
export class CustomDraft {
  text = $state<Record<CustomField, string>>(textOf(undefined));
  readonly validation: Validation = $derived(validate(this.text));

  load(config: ModelConfig): void {
    this.text = textOf(config);
  }

  /** The sentence to show beside `field`: beside the first field it names. */
  errorFor(field: CustomField): string | undefined {
    return this.validation.fields?.[0] === field ? this.validation.error : undefined;
  }

  /** Every field the sentence names is marked aria-invalid. */
  invalid(field: CustomField): boolean {
    return this.validation.fields?.includes(field) ?? false;
  }
}

function textOf(c: ModelConfig | undefined): Record<CustomField, string> {
  const out = {} as Record<CustomField, string>;
  for (const f of customFields) out[f] = c === undefined ? '' : f === 'ob_hidden' ? c.ob_hidden.join(', ') : String(c[f]);
  return out;
}

/** Numbers where the text is plainly one, else the text itself, so customConfig quotes it back. */
function validate(text: Record<CustomField, string>): Validation {
  const raw: Record<string, unknown> = {};
  const asNumber = (s: string) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
  for (const f of customFields) raw[f] = f === 'ob_hidden' ? text[f].split(',').map((s) => asNumber(s.trim())) : asNumber(text[f]);
  try {
    return { config: customConfig(raw) };
  } catch (e) {
    if (!isUserError(e)) throw e;
    // customConfig's sentences start with the setting they are about ("d_model (100) must be divisible by nhead (8)").
    const named = customFields
      .map((f) => ({ f, at: e.message.search(new RegExp(`\\b${f}\\b`)) }))
      .filter((x) => x.at >= 0)
      .sort((a, b) => a.at - b.at)
      .map((x) => x.f);
    return { error: e.message, fields: named.length > 0 ? named : ['d_model'] };
  }
}

/**
 * Effective training throughput assumed per backend when no run has been measured, in
 * GFLOP/s of flops.ts's counts. wasm and cpu are what BENCHMARKS.md's train case measured on a
 * 2-core server; webgpu and webgl are rough figures for a mid-range discrete GPU under
 * TensorFlow.js, far below the hardware's peak. They make an estimate, labelled as one.
 */
export const assumedGflops: Record<BackendName, number> = { webgpu: 100, webgl: 30, wasm: 2, cpu: 0.4 };

/** About the bundled sample's training split (29,996 bars × 0.7), used when the data is not loaded yet. */
export const assumedTrainSamples = 20_000;

export interface CardFigures {
  parameters: number;
  stateDictBytes: number;
  pthBytes: number; // the exported nexus_transformer.pth, exactly (see pthFileBytes)
  stepFlops: number;
  epochSeconds: number;
  epochBasis: string; // says whether epochSeconds is measured or estimated, and from what
}

export interface CardOptions {
  batchSize: number;
  backend?: string;
  samplesPerSecond?: number; // measured on this machine for this configuration
  trainSamples?: number;
}

export function cardFigures(c: ModelConfig, o: CardOptions): CardFigures {
  const stepFlops = trainingStepFlops(c, o.batchSize);
  const samples = o.trainSamples ?? assumedTrainSamples;
  const ofSamples = `${samples.toLocaleString('en-US')} training samples${o.trainSamples === undefined ? ' (assumed)' : ''}`;
  const base = { parameters: parameterCount(c), stateDictBytes: stateDictBytes(c), pthBytes: cachedPthBytes(c), stepFlops };
  if (o.samplesPerSecond !== undefined && o.samplesPerSecond > 0) {
    return { ...base, epochSeconds: samples / o.samplesPerSecond, epochBasis: `measured: ${ofSamples} at ${formatNumber(o.samplesPerSecond, 3)} samples/s` };
  }
  const known = o.backend !== undefined && Object.hasOwn(assumedGflops, o.backend);
  const backend = (known ? o.backend : 'webgpu') as BackendName;
  const steps = Math.ceil(samples / o.batchSize);
  return {
    ...base,
    epochSeconds: (steps * stepFlops) / (assumedGflops[backend] * 1e9),
    epochBasis: `estimate: ${ofSamples} at an assumed ${assumedGflops[backend]} GFLOP/s on ${backend}${known ? '' : ' (backend not detected yet)'}`,
  };
}

// Cards are redrawn when a measured throughput arrives: the file size depends on the shapes only.
const pthBytesByShapes = new Map<string, number>();

function cachedPthBytes(c: ModelConfig): number {
  const key = JSON.stringify([c.d_model, c.num_layers, c.dim_feedforward, c.ob_hidden]);
  let bytes = pthBytesByShapes.get(key);
  if (bytes === undefined) pthBytesByShapes.set(key, (bytes = pthFileBytes(c)));
  return bytes;
}

/**
 * The size of `nexus_transformer.pth` without building it (v2 would be 13 MB per
 * keystroke): formats/pth.ts lays it out from the parameters' names and shapes alone.
 */
export function pthFileBytes(c: ModelConfig, archiveName = 'nexus_transformer'): number {
  return pthSize(paramSpecs(c).map((s) => ({ key: s.name, shape: s.shape })), archiveName);
}

export function formatNumber(x: number, significant = 3): string {
  return Number(x.toPrecision(significant)).toLocaleString('en-US');
}

export function formatFlops(flops: number): string {
  return flops < 1e9 ? `${formatNumber(flops / 1e6)} MFLOP` : flops < 1e12 ? `${formatNumber(flops / 1e9)} GFLOP` : `${formatNumber(flops / 1e12)} TFLOP`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 1) return 'under 1 s';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${formatNumber(seconds / 3600, 2)} h`;
}
