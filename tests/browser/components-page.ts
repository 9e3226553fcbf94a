// Runs in the browser: mounts the model view and the compare view with svelte's `mount`
// into the page, with the app's stylesheet. The model view's config prop is reactive (a
// SvelteMap behind a getter) and follows its onchange, as a parent's $state would.

import { flushSync, mount, unmount } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import '../../src/ui/app.css';
import CompareView from '../../src/ui/CompareView.svelte';
import ModelView from '../../src/ui/ModelView.svelte';
import { pthFileBytes } from '../../src/ui/model-view.svelte.ts';
import { writePth } from '../../src/formats/pth.ts';
import { customConfig, preset, type ModelConfig } from '../../src/model/config.ts';
import { initStateDict } from '../../src/model/init.ts';
import type { ComparedRun } from '../../src/run/compare.ts';
import type { EpochRecord } from '../../src/train/events.ts';
import type { SplitMetrics } from '../../src/train/metrics.ts';
import { trainingSettings } from '../../src/train/settings.ts';

let mounted: Record<string, unknown> | undefined;
const changes: ModelConfig[] = [];

function target(): HTMLElement {
  if (mounted !== undefined) unmount(mounted);
  document.body.replaceChildren();
  const main = document.createElement('main');
  document.body.append(main);
  return main;
}

/** Mounts ModelView with a preset or a custom configuration given as JSON. */
export function mountModelView(config: string | Record<string, unknown>, backendName?: string): void {
  const state = new SvelteMap([['config', typeof config === 'string' ? preset(config) : customConfig(config)]]);
  const onchange = (next: ModelConfig) => {
    changes.push(next);
    state.set('config', next);
  };
  mounted = mount(ModelView, {
    target: target(),
    props: { get config() { return state.get('config') as ModelConfig; }, backendName, onchange },
  });
  flushSync();
}

/** The configurations the view has sent, newest last, and forgets them. */
export function takeChanges(): { preset: string; d_model: number; nhead: number }[] {
  return changes.splice(0).map(({ preset: p, d_model, nhead }) => ({ preset: p, d_model, nhead }));
}

/** The model view's .pth size against the bytes writePth actually produces. */
export function pthSizes(): { name: string; computed: number; written: number }[] {
  const configs = [preset('tiny'), preset('v1'), preset('v2'), customConfig({ d_model: 192, num_layers: 3, nhead: 8, ob_hidden: [7, 3] })];
  return configs.map((c) => ({ name: c.preset, computed: pthFileBytes(c), written: writePth(initStateDict(c, 0)).length }));
}

function split(loss: number, accuracy: number): SplitMetrics {
  // The compare view reads only the scores and the baselines' accuracy.
  const baselines = { majority: { accuracy: 0.35 }, persistence: { accuracy: 0.37 } };
  return { loss, accuracy, balanced_accuracy: accuracy - 0.04, macro_f1: accuracy - 0.08, vol_rmse: 0.9 + loss / 10, baselines } as SplitMetrics;
}

function history(n: number, start: number, rate: number, seconds: number): EpochRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const loss = 1.1 - start + 0.3 * Math.exp(-rate * i) - 0.3 + 0.01 * Math.sin(i);
    return { epoch: i + 1, train_loss: loss - 0.05, validation: split(loss, 0.36 + 0.1 * (1 - Math.exp(-rate * i))), learning_rate: 1e-4, seconds, samples_per_second: 500 };
  });
}

export function mountCompareView(): void {
  const runs: ComparedRun[] = [
    { id: 'a', label: 'v1, lr 1e-4', config: { model: preset('v1'), settings: { training: trainingSettings(), data: {} } }, metrics: history(30, 0, 0.15, 12), test: split(1.02, 0.44) },
    {
      id: 'b', label: '<b>v2</b>, lr 3e-4', // markup in a label must show as text
      config: { model: preset('v2'), settings: { training: trainingSettings({ learning_rate: 3e-4 }), data: { horizon: 10 } } },
      metrics: history(22, 0.04, 0.25, 61),
    },
  ];
  mounted = mount(CompareView, { target: target(), props: { runs } });
  flushSync();
}
