// The engine worker's state machine (src/run/session.ts) in Node on the CPU backend: an
// imported model scored without training, as a training run scores its best checkpoint;
// errors that end a run and errors that only refuse a request; one run at a time; a stop
// that comes while the data loads.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preset } from '../../src/model/config.ts';
import { initStateDict } from '../../src/model/init.ts';
import { createParams } from '../../src/model/transformer.ts';
import type { FromWorker, StartRun } from '../../src/protocol.ts';
import { prepareRun } from '../../src/run/prepare.ts';
import { Session } from '../../src/run/session.ts';
import { experimentSettings } from '../../src/run/settings.ts';
import { evaluateSplit } from '../../src/train/evaluate.ts';
import { cpuBackend } from '../support/tf.ts';

const csv = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'm1', 'mt4_CADJPY1_jeremidaneau.csv'));
const model = preset('tiny');
const settings = experimentSettings(['epochs=1', 'batch_size=64']);

function session(): { session: Session; posts: FromWorker[] } {
  const posts: FromWorker[] = [];
  return { session: new Session((m) => posts.push(m)), posts };
}

const start = (run_id: string, o: Partial<StartRun> = {}): StartRun => ({
  type: 'start', run_id, source: csv.buffer.slice(csv.byteOffset, csv.byteOffset + csv.byteLength), file_name: 'cadjpy.csv',
  model, settings, backends: ['cpu'], ...o,
});

describe('the engine session', () => {
  it('scores imported weights on validation and test without training, as the trainer scores its best', async () => {
    const tf = await cpuBackend();
    const weights = initStateDict(model, 3);
    const { session: s, posts } = session();
    await s.handle(start('scored', { initial_weights: weights, evaluate_only: true }));
    expect(posts.filter((m) => m.type === 'error')).toEqual([]);
    expect(posts.map((m) => m.type).filter((t) => t !== 'load-progress')).toEqual(['backend', 'data', 'done']);
    const done = posts.at(-1);
    if (done?.type !== 'done') throw new Error('no done');
    expect([done.reason, done.best_epoch, done.history]).toEqual(['evaluated', null, []]);

    const prepared = await prepareRun(new Uint8Array(csv), model, settings);
    const params = createParams(prepared.config, weights);
    const expected = await evaluateSplit(prepared.config, params, prepared.data, 'test', { volLossWeight: 0.5 }, 1);
    tf.dispose([...params.values()]);
    expect(done.test).toEqual(expected);
  });

  it('reports a failed request without ending the run, and a failed start as the end of that run', async () => {
    await cpuBackend();
    const { session: s, posts } = session();
    await s.handle({ type: 'evaluate' });
    expect(posts).toEqual([{ type: 'error', run_id: undefined, message: 'there is no run to evaluate: start one first', ended: false }]);

    posts.length = 0;
    const first = s.handle(start('first'));
    await s.handle(start('second')); // while the first is still loading its data
    expect(posts.filter((m) => m.type === 'error')).toEqual([
      { type: 'error', run_id: 'second', message: 'a run is already training in this tab: stop it first', ended: true },
    ]);
    await s.handle({ type: 'stop' }); // before its trainer exists: it stops at its first step
    await first;
    expect(posts.filter((m) => m.type === 'progress')).toEqual([]);
    expect(posts.find((m) => m.type === 'done')).toMatchObject({ run_id: 'first', reason: 'stopped', history: [] });
    const broken = start('broken', { source: new TextEncoder().encode('not,a,csv\n1,2,3\n').buffer as ArrayBuffer });
    await s.handle(broken);
    const error = posts.at(-1);
    expect(error).toMatchObject({ type: 'error', run_id: 'broken', ended: true });
  });
});
