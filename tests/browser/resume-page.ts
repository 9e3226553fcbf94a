// Runs in the browser: the real engine worker (CPU backend, deterministic) trains the tiny
// preset on a generated CSV while a RunRecorder saves it to IndexedDB; the test reloads
// the page mid-run, and a new worker resumes the run from its last stored checkpoint.

import type { BackendName } from '../../src/backend/names.ts';
import { preset } from '../../src/model/config.ts';
import type { FromWorker, ToWorker } from '../../src/protocol.ts';
import { experimentSettings } from '../../src/run/settings.ts';
import { RunRecorder } from '../../src/store/recorder.ts';
import type { StartMessage } from '../../src/store/resume.ts';
import { RunStore } from '../../src/store/runs.ts';
import { randomWalkCsv } from '../support/bars.ts';

const SETTINGS = ['seq_len=16', 'batch_size=16', 'epochs=3', 'checkpoint_every=1', 'learning_rate=0.002', 'seed=7'];

/** 600 one-minute bars of a seeded random walk, the same in every page. */
function walkCsv(n = 600): File {
  return new File([randomWalkCsv(n, 11)], 'walk-M1.csv');
}

interface Driven {
  send(msg: ToWorker): void;
  waitFor(until: (m: FromWorker) => boolean): Promise<FromWorker>;
  errors: string[];
  worker: Worker;
}

/** The app's own engine worker entry, which transfers checkpoint buffers to the page. */
function engineWorker(): Worker {
  return new Worker(new URL('/workers/engine.worker.ts', location.href), { type: 'module' });
}

/** A worker whose every message goes to the recorder, as the page's engine handle does. */
function drive(recorder: RunRecorder, start: StartMessage, backend: BackendName): Driven {
  const worker = engineWorker();
  const waiters: { until: (m: FromWorker) => boolean; resolve: (m: FromWorker) => void }[] = [];
  const driven: Driven = {
    worker,
    errors: [],
    send: (msg) => worker.postMessage(msg),
    waitFor: (until) => new Promise((resolve) => waiters.push({ until: (m) => m.type === 'error' || until(m), resolve })),
  };
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const msg = event.data;
    recorder.receive(msg);
    if (msg.type === 'error') driven.errors.push(msg.message);
    for (const w of [...waiters]) {
      if (w.until(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  };
  driven.send({ type: 'start', ...start, backends: [backend] });
  return driven;
}

async function begin(db: string, runId: string, backend: BackendName): Promise<{ store: RunStore; recorder: RunRecorder; run: Driven }> {
  const store = new RunStore({ dbName: db });
  const csv = walkCsv();
  const { recorder, start } = await RunRecorder.begin(store, { source: csv, file_name: csv.name, model: preset('tiny'), settings: experimentSettings(SETTINGS), id: runId });
  return { store, recorder, run: drive(recorder, start, backend) };
}

/**
 * Trains into epoch 2, pauses (the worker checkpoints mid-epoch), waits for the store,
 * resumes and returns at once: the test reloads the page while the worker trains on.
 */
export async function trainThenLeave(db: string, runId: string, backend: BackendName) {
  const { store, recorder, run } = await begin(db, runId, backend);
  await run.waitFor((m) => m.type === 'progress' && m.epoch === 2);
  run.send({ type: 'pause' });
  await run.waitFor((m) => m.type === 'checkpoint' && m.checkpoint.reason === 'pause');
  await recorder.idle();
  run.send({ type: 'resume' });
  const saved = (await store.getRun(runId))!;
  return { errors: run.errors, notices: recorder.notices, checkpoints: saved.checkpoints, stored: saved.data.stored, metrics: saved.metrics.length };
}

export async function listRuns(db: string) {
  const { runs, damaged } = await new RunStore({ dbName: db }).listRuns();
  return { runs: runs.map((r) => ({ id: r.id, status: r.status, latest: r.checkpoints.at(-1) })), damaged };
}

let resumed: { recorder: RunRecorder; run: Driven } | undefined;

/** Resumes the run in a new worker from what the store has (no file picker) and leaves it training. */
export async function resumeRun(db: string, runId: string, backend: BackendName) {
  const store = new RunStore({ dbName: db });
  const { recorder, start, plan } = await RunRecorder.resume(store, runId);
  resumed = { recorder, run: drive(recorder, start, backend) };
  const { checkpoint } = start.resume;
  return { from: plan.from, epoch: checkpoint.epoch, position: checkpoint.position, hasBest: start.resume.best_weights !== undefined, csvBytes: start.source instanceof Blob ? start.source.size : -1 };
}

/** What a second tab gets when it tries to resume the same run. */
export async function tryResume(db: string, runId: string) {
  try {
    await RunRecorder.resume(new RunStore({ dbName: db }), runId);
    return null;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
}

export async function finishResumed() {
  if (resumed === undefined) throw new Error('resumeRun first');
  const { recorder, run } = resumed;
  const done = await run.waitFor((m) => m.type === 'done');
  await recorder.close();
  run.worker.terminate();
  return { errors: run.errors, notices: recorder.notices, done: done.type === 'done' ? done.reason : done.type };
}

/** The same run, never interrupted. */
export async function trainStraight(db: string, runId: string, backend: BackendName) {
  const { recorder, run } = await begin(db, runId, backend);
  const done = await run.waitFor((m) => m.type === 'done');
  await recorder.close();
  run.worker.terminate();
  return { errors: run.errors, notices: recorder.notices, done: done.type === 'done' ? done.reason : done.type };
}

/** Both runs' stored records and final checkpoints (the end of the last epoch), compared here. */
export async function compareRuns(db: string, a: string, b: string) {
  const store = new RunStore({ dbName: db });
  const final = async (id: string) => {
    const run = (await store.getRun(id))!;
    const ref = run.checkpoints.filter((c) => !c.mid_epoch).at(-1)!;
    return { run, ref, checkpoint: await store.loadCheckpoint(id, ref.id) };
  };
  const [x, y] = [await final(a), await final(b)];
  let tensors = 0;
  let differing = 0;
  let maxDiff = 0;
  for (const [name, t] of x.checkpoint.weights) {
    const u = y.checkpoint.weights.get(name)!.data;
    tensors++;
    let diff = 0;
    t.data.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - u[i]))));
    if (diff > 0) differing++;
    maxDiff = Math.max(maxDiff, diff);
  }
  const momentsEqual = [...x.checkpoint.adam.state].every(([k, s]) => {
    const o = y.checkpoint.adam.state.get(k)!;
    return s.step === o.step && s.exp_avg.every((v, i) => v === o.exp_avg[i]) && s.exp_avg_sq.every((v, i) => v === o.exp_avg_sq[i]);
  });
  const curve = (r: typeof x) => r.run.metrics.map((m) => ({ epoch: m.epoch, train_loss: m.train_loss, validation_loss: m.validation.loss }));
  return {
    status: [x.run.status, y.run.status],
    finalEpochs: [x.ref.epoch, y.ref.epoch],
    steps: [x.checkpoint.step, y.checkpoint.step],
    reasons: x.run.checkpoints.map((c) => c.reason),
    tensors,
    differing,
    maxDiff,
    momentsEqual,
    curves: [curve(x), curve(y)],
  };
}
