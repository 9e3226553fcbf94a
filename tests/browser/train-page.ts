// Runs in the browser: the real engine worker trains the tiny preset on the bundled sample
// (WebGPU), while this page pauses it, has it score the weights so far, resumes and stops
// it, and records what it reports.

import { preset } from '../../src/model/config.ts';
import { experimentSettings } from '../../src/run/settings.ts';
import type { FromWorker, ToWorker } from '../../src/protocol.ts';
import type { Progress } from '../../src/train/events.ts';

export interface WorkerRunReport {
  backend?: string;
  adapter?: string;
  samples?: Record<string, number>;
  progress: Pick<Progress, 'step' | 'running_loss' | 'num_tensors' | 'samples_per_second'>[];
  pausedAtStep: number;
  progressWhilePaused: number;
  evaluation?: { best_epoch: number | null; test_samples: number };
  stoppedAtStep: number;
  lastStep: number;
  done?: string;
  errors: string[];
}

export async function trainInWorker(): Promise<WorkerRunReport> {
  const worker = new Worker(new URL('/workers/engine.worker.ts', location.href), { type: 'module' });
  const send = (msg: ToWorker) => worker.postMessage(msg);
  const report: WorkerRunReport = { progress: [], pausedAtStep: -1, progressWhilePaused: 0, stoppedAtStep: -1, lastStep: 0, errors: [] };
  let paused = false;
  const waiters: { until: (m: FromWorker) => boolean; resolve: () => void }[] = [];
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const msg = event.data;
    if (msg.type === 'backend') {
      report.backend = msg.report.backend;
      report.adapter = msg.report.adapter?.name;
    } else if (msg.type === 'data') {
      report.samples = msg.samples;
    } else if (msg.type === 'progress') {
      if (paused) report.progressWhilePaused++;
      report.lastStep = msg.step;
      report.progress.push({ step: msg.step, running_loss: msg.running_loss, num_tensors: msg.num_tensors, samples_per_second: msg.samples_per_second });
    } else if (msg.type === 'evaluation') {
      report.evaluation = { best_epoch: msg.best_epoch, test_samples: msg.test.confusion.flat().reduce((a, b) => a + b, 0) };
    } else if (msg.type === 'done') {
      report.done = msg.reason;
    } else if (msg.type === 'error') {
      report.errors.push(msg.message);
    }
    for (const w of [...waiters]) {
      if (w.until(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const waitFor = (until: (m: FromWorker) => boolean) => new Promise<void>((resolve) => waiters.push({ until, resolve }));
  const failed = (m: FromWorker) => m.type === 'error';

  const csv = await (await fetch('/sample/6EH4-XCME-M1-2024-01.csv')).arrayBuffer();
  send({
    type: 'start',
    run_id: 'browser-test',
    source: csv,
    file_name: '6EH4-XCME-M1-2024-01.csv',
    model: preset('tiny'),
    settings: experimentSettings(['batch_size=16', 'learning_rate=0.002', 'epochs=1']),
    backends: ['webgpu'],
  });
  await waitFor((m) => failed(m) || (m.type === 'progress' && m.step >= 8));
  send({ type: 'pause' });
  await waitFor((m) => failed(m) || (m.type === 'checkpoint' && m.checkpoint.reason === 'pause'));
  paused = true;
  report.pausedAtStep = report.lastStep;
  await new Promise((r) => setTimeout(r, 1500));
  send({ type: 'evaluate' }); // on demand, while paused
  await waitFor((m) => failed(m) || m.type === 'evaluation');
  paused = false;
  send({ type: 'resume' });
  await waitFor((m) => failed(m) || (m.type === 'progress' && m.step >= 30));
  report.stoppedAtStep = report.lastStep;
  send({ type: 'stop' });
  await waitFor((m) => failed(m) || m.type === 'done');
  worker.terminate();
  return report;
}
