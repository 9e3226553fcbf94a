// A run's name in lists, tables and chart legends: its model, where its weights came from,
// and the start of its id to tell apart two runs of the same preset.

import type { RunRecord } from '../store/records.ts';

export function runLabel(r: Pick<RunRecord, 'id' | 'config' | 'imported'>): string {
  const model = r.config.model.preset;
  const tag = r.id.slice(0, 4);
  if (r.imported === null) return `${model} #${tag}`;
  return `${r.imported.evaluate_only ? 'imported' : 'fine-tuned'} ${model} (${r.imported.file_name}) #${tag}`;
}
