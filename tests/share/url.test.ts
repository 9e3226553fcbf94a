// Shared links: random valid experiments survive experiment → query → experiment exactly,
// the query stays readable, and hostile or broken values are dropped with a sentence each,
// never thrown, leaving the defaults in place.

import { describe, expect, it } from 'vitest';
import { customConfig, labelPreset, preset, presetNames } from '../../src/model/config.ts';
import { defaultExperiment, sampleId, type DataRef, type Experiment } from '../../src/run/experiment.ts';
import { Rng } from '../../src/random.ts';
import { defaultTrainingSettings, type TrainingSettings } from '../../src/train/settings.ts';
import type { ColumnMapping } from '../../src/data/types.ts';
import { canonicalExperiment, experimentFromQuery, experimentToQuery } from '../../src/share/url.ts';

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];
const hex = (rng: Rng, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[rng.int(16)]).join('');

function randomModel(rng: Rng, dropout: number, seqLen: number) {
  if (rng.next() < 0.4) return labelPreset({ ...preset(pick(rng, presetNames)), dropout, seq_len: seqLen });
  const nhead = pick(rng, [1, 2, 3, 4, 8, 16]);
  return customConfig({
    d_model: nhead * (Math.ceil(8 / nhead) + rng.int(1024 / nhead - Math.ceil(8 / nhead) + 1)),
    nhead,
    num_layers: 1 + rng.int(12),
    dim_feedforward: 8 + rng.int(8185),
    seq_len: seqLen,
    ob_hidden: rng.next() < 0.5 ? [1 + rng.int(1024)] : [1 + rng.int(1024), 1 + rng.int(1024)],
    dropout,
  });
}

function randomTraining(rng: Rng): TrainingSettings {
  const t: TrainingSettings = { ...defaultTrainingSettings };
  const maybe = () => rng.next() < 0.5;
  if (maybe()) t.batch_size = 1 + rng.int(4096);
  if (maybe()) t.epochs = 1 + rng.int(10_000);
  if (maybe()) t.learning_rate = 1e-8 + rng.next() * 0.01; // full-precision doubles must survive
  if (maybe()) t.weight_decay = rng.next();
  if (maybe()) t.scheduler = pick(rng, ['ReduceLROnPlateau', 'none'] as const);
  if (maybe()) t.early_stopping_patience = rng.int(100);
  if (maybe()) t.grad_clip_norm = rng.next() * 10;
  if (maybe()) t.dropout = Number((rng.next() * 0.9).toFixed(3));
  if (maybe()) t.vol_loss_weight = rng.next() * 5;
  if (maybe()) t.class_weights = pick(rng, ['none', 'balanced'] as const);
  if (maybe()) t.seed = rng.nextUint32();
  if (maybe()) t.checkpoint_every = 1 + rng.int(50);
  if (maybe()) t.cost_bps = rng.next() * 10;
  return t;
}

function randomData(rng: Rng): DataRef {
  const r = rng.next();
  if (r < 0.34) return { kind: 'sample', id: sampleId };
  if (r < 0.67) return { kind: 'url', url: new URL(`https://example.com/data/${hex(rng, 6)} bars,1.csv?x=1&y=a+b#part`).href };
  return { kind: 'file', name: `EURUSD M1 ${hex(rng, 4)} (copy), ü.csv`, sha256: rng.next() < 0.8 ? hex(rng, 64) : null };
}

function randomMapping(rng: Rng): ColumnMapping | undefined {
  if (rng.next() < 0.4) return undefined;
  const m: ColumnMapping = { version: 1 };
  const cols = [0, 1, 2, 3, 4, 5, 6, 7].sort(() => rng.next() - 0.5);
  if (rng.next() < 0.7) m.columns = { time: cols[0], open: cols[1], high: cols[2], low: cols[3], close: cols[4], ...(rng.next() < 0.5 ? { volume: cols[5] } : {}) };
  if (rng.next() < 0.5) m.delimiter = pick(rng, [',', '\t', ';', '|'] as const);
  if (rng.next() < 0.5) m.decimal = pick(rng, ['.', ','] as const);
  if (rng.next() < 0.5) m.header = rng.next() < 0.5;
  if (rng.next() < 0.3) m.quoted_lines = rng.next() < 0.5;
  if (rng.next() < 0.3) m.time_format = pick(rng, ['ymd', 'compact', 'dmy', 'unix_ms'] as const);
  return Object.keys(m).length === 1 ? undefined : m;
}

/** A random valid experiment, already canonical (model dropout and seq_len as the run uses them). */
function randomExperiment(rng: Rng): Experiment {
  const training = randomTraining(rng);
  const model = randomModel(rng, training.dropout, 8 + rng.int(505));
  const data: Experiment['settings']['data'] = {};
  if (rng.next() < 0.5) data.horizon = 1 + rng.int(100);
  if (rng.next() < 0.5) data.theta = rng.next() < 0.3 ? 'auto' : Number((rng.next() * 20).toFixed(2));
  if (rng.next() < 0.3) data.warmup_bars = rng.int(600);
  if (rng.next() < 0.5) {
    data.train_split = (10 + rng.int(8)) / 20;
    data.val_split = rng.int(20 - 20 * data.train_split) / 20;
    data.test_split = 1 - data.train_split - data.val_split;
  }
  const mapping = randomMapping(rng);
  return {
    version: 1, model, settings: { training, data }, data: randomData(rng), ...(mapping ? { mapping } : {}),
    backend: pick(rng, ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const),
  };
}

describe('experimentToQuery / experimentFromQuery', () => {
  it('round-trips 500 random valid experiments exactly, without problems', () => {
    const rng = new Rng(20240101);
    for (let i = 0; i < 500; i++) {
      const exp = randomExperiment(rng);
      const query = experimentToQuery(exp);
      expect(experimentFromQuery(query), query).toEqual({ experiment: exp, problems: [] });
      expect(experimentFromQuery(`?${query}`).experiment).toEqual(exp); // location.search keeps its ?
    }
  });

  it('writes the default experiment briefly and readably', () => {
    expect(experimentToQuery(defaultExperiment())).toBe(`v=1&preset=v1&data=sample:${sampleId}`);
    const exp = defaultExperiment();
    exp.model = customConfig({ preset: 'v2', seq_len: 256 });
    exp.settings.training.learning_rate = 0.001;
    exp.data = { kind: 'url', url: 'https://example.com/a/b.csv' };
    exp.mapping = { columns: { time: 0, open: 2, high: 3, low: 4, close: 5 }, delimiter: '\t', decimal: ',', header: false };
    expect(experimentToQuery(exp)).toBe('v=1&preset=v2&seq_len=256&learning_rate=0.001&data=https://example.com/a/b.csv'
      + '&columns=time:0,open:2,high:3,low:4,close:5&delimiter=tab&decimal=comma&header=0');
    exp.model = customConfig({ d_model: 192, num_layers: 3, nhead: 8 });
    exp.data = { kind: 'file', name: 'my bars.csv', sha256: 'ab'.repeat(32) };
    delete exp.mapping;
    expect(experimentToQuery(exp)).toBe('v=1&preset=custom&d_model=192&nhead=8&num_layers=3&dim_feedforward=768&seq_len=64&ob_hidden=64'
      + `&learning_rate=0.001&file=my%20bars.csv&sha256=${'ab'.repeat(32)}`);
  });

  it('writes the settings a run would use: the data window and the training dropout', () => {
    const exp = defaultExperiment();
    exp.settings.data.seq_len = 128;
    exp.settings.training.dropout = 0.2;
    const query = experimentToQuery(exp);
    expect(query).toBe(`v=1&preset=v1&seq_len=128&dropout=0.2&data=sample:${sampleId}`);
    const back = experimentFromQuery(query).experiment;
    expect(back).toEqual(canonicalExperiment(exp));
    expect([back.model.seq_len, back.model.dropout, back.model.preset, back.settings.data.seq_len]).toEqual([128, 0.2, 'custom', undefined]);
  });

  it('reads hand-written links: a changed preset size, custom from v1, theta auto', () => {
    const { experiment: e, problems } = experimentFromQuery('preset=custom&d_model=192&num_layers=3&nhead=8&theta=auto&horizon=10');
    expect(problems).toEqual([]);
    expect([e.model.preset, e.model.d_model, e.model.dim_feedforward, e.model.ob_hidden]).toEqual(['custom', 192, 768, [64]]);
    expect(e.settings.data).toEqual({ theta: 'auto', horizon: 10 });
    expect(experimentFromQuery('preset=v2').experiment.model).toEqual(preset('v2'));
  });
});

describe('experimentFromQuery with broken or hostile values', () => {
  const read = (q: string) => experimentFromQuery(q);
  const defaults = defaultExperiment();

  it('drops a value that is not a number, with the sentence of the brief', () => {
    const { experiment, problems } = read('learning_rate=abc');
    expect(problems).toEqual(['learning_rate=abc is not a number; kept 0.0001']);
    expect(experimentToQuery(experiment)).toBe(experimentToQuery(defaults));
  });

  it('refuses NaN, Infinity, hex, huge and out-of-range numbers with the validators\' sentences', () => {
    const { experiment, problems } = read('batch_size=NaN&epochs=Infinity&seed=0x10&learning_rate=1e400&weight_decay=1e308'
      + '&early_stopping_patience=2.5&d_model=1e300&num_layers=-1&horizon=1e30&theta=-3&train_split=7&warmup_bars=1.5');
    expect(problems).toEqual([
      'batch_size=NaN is not a number; kept 32',
      'epochs=Infinity is not a number; kept 100',
      'learning_rate=1e400 is not a number; kept 0.0001',
      'weight_decay must be between 0 and 1 (got 1e+308); kept 0.0001',
      'early_stopping_patience must be a whole number (got 2.5); kept 10',
      'seed=0x10 is not a number; kept 42',
      'd_model must be between 8 and 1024 (got 1e+300); kept 128',
      'num_layers must be between 1 and 12 (got -1); kept 2',
      'horizon must be a whole number of bars of at least 1, not 1e+30; kept 5',
      'theta must be "auto" or basis points of at least 0, not -3; kept auto',
      'train_split must be between 0 and 1, not 7; kept 0.7',
      'warmup_bars must be a whole number of bars of at least 0, not 1.5; kept 0',
    ]);
    expect(experiment).toEqual(defaults);
  });

  it('drops the size that breaks a valid combination, and keeps the others', () => {
    const { experiment, problems } = read('preset=custom&d_model=100&nhead=8&num_layers=3');
    expect(problems).toEqual(['d_model (100) must be divisible by nhead (8) so that every head gets the same width; kept 4']);
    expect([experiment.model.d_model, experiment.model.nhead, experiment.model.num_layers]).toEqual([100, 4, 3]);
    expect(read('ob_hidden=1,2,3').problems[0]).toMatch(/^ob_hidden must have one or two sizes.*; kept 64$/);
    expect(read('ob_hidden=64,x').problems).toEqual(['ob_hidden=64,x is not a list of sizes such as 128,64; kept 64']);
    expect(read('preset=v3').problems).toEqual(['preset=v3 is not one of tiny, v1, v2, custom; kept v1']);
  });

  it('keeps the splits only when they add up to 1', () => {
    const { experiment, problems } = read('train_split=0.8&val_split=0.2');
    expect(problems).toEqual(['train_split, val_split and test_split must add up to 1, not 1.1; kept 0.7, 0.2, 0.1']);
    expect(experiment.settings.data).toEqual({});
    expect(read('train_split=0.6&val_split=0.2&test_split=0.2')).toEqual({
      experiment: { ...defaults, settings: { ...defaults.settings, data: { train_split: 0.6, val_split: 0.2, test_split: 0.2 } } },
      problems: [],
    });
  });

  it('accepts only https data addresses, bundled samples and well-formed hashes', () => {
    const kept = { kind: 'sample', id: sampleId };
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'http://example.com/a.csv', 'data:text/csv,1,2', 'file:///etc/passwd', '//evil.com/a.csv', 'sample:other', 'https://user:pw@example.com/a.csv']) {
      const { experiment, problems } = read(`data=${encodeURIComponent(bad)}`);
      expect(experiment.data, bad).toEqual(kept);
      expect(problems, bad).toHaveLength(1);
      expect(problems[0]).toMatch(/kept the bundled sample$/);
    }
    expect(read(`data=https://example.com/${'a'.repeat(3000)}`).problems[0]).toMatch(/^the data address is 3020 characters long/);
    expect(read('data=https://example.com/a b.csv').experiment.data).toEqual({ kind: 'url', url: 'https://example.com/a%20b.csv' });
    expect(read('file=a.csv&sha256=xyz').problems).toEqual(['sha256=xyz is not 64 hexadecimal digits; the file will be recognised by its name only']);
    expect(read(`file=a.csv&sha256=${'AB'.repeat(32)}`).experiment.data).toEqual({ kind: 'file', name: 'a.csv', sha256: 'ab'.repeat(32) });
    expect(read('file=../../etc/passwd').experiment.data).toEqual(kept);
    expect(read('sha256=abc').problems).toEqual(['sha256= is given without file=; ignored']);
  });

  it('quotes markup as plain text, replaces control and bidi characters, and keeps sentences short', () => {
    const script = '<script>alert(1)</script>';
    const { experiment, problems } = read(`scheduler=${encodeURIComponent(script)}&${encodeURIComponent(script)}=1&backend=%E2%80%AEgpu`);
    expect(experiment).toEqual(defaults);
    // The sentences quote the value as text; the components render them with text nodes only.
    expect(problems).toEqual([
      `scheduler must be one of ReduceLROnPlateau, none (got "${script}"); kept ReduceLROnPlateau`,
      'backend=\uFFFDgpu is not one of auto, webgpu, webgl, wasm, cpu; kept auto',
      `unknown parameter "${script}" ignored`,
    ]);
    expect(read(`d_model=${'9'.repeat(5000)}`).problems[0].length).toBeLessThan(200);
    expect(read(`x=${'1'.repeat(100)}&${'k'.repeat(100)}=1`).problems.every((p) => p.length < 120)).toBe(true);
  });

  it('reports repeated keys and uses the first, and caps the unknown-parameter sentences', () => {
    const { experiment, problems } = read('learning_rate=0.1&learning_rate=0.2&preset=v2&preset=tiny');
    expect(experiment.settings.training.learning_rate).toBe(0.1);
    expect(experiment.model.preset).toBe('v2');
    expect(problems).toEqual(['learning_rate is given 2 times; used the first, learning_rate=0.1', 'preset is given 2 times; used the first, preset=v2']);
    const many = Array.from({ length: 5000 }, (_, i) => `k${i}=1`).join('&');
    const r = read(many);
    expect(r.problems).toHaveLength(11);
    expect(r.problems.at(-1)).toBe('4990 more unknown parameters ignored');
  });

  it('checks column mappings role by role and drops a broken one whole', () => {
    expect(read('columns=time:0,open:1,high:2,low:3,close:4&delimiter=tab&header=1').experiment.mapping)
      .toEqual({ version: 1, columns: { time: 0, open: 1, high: 2, low: 3, close: 4 }, delimiter: '\t', header: true });
    const cases: [string, RegExp][] = [
      ['columns=time:0,open:1', /does not say which column holds high, low, close/],
      ['columns=time:0,open:0,high:2,low:3,close:4', /puts both time and open in column 0/],
      ['columns=time:0,open:1,high:2,low:3,close:4,price:5', /names "price"/],
      ['columns=time:0,open:1,high:2,low:3,close:1e9', /not a column number/],
      ['columns=__proto__:1', /names "__proto__"/],
      ['delimiter=%3B', /delimiter=; is not one of comma, tab, semicolon, pipe/],
      ['header=yes', /header=yes is not one of 0, 1/],
    ];
    for (const [q, message] of cases) {
      const { experiment, problems } = read(q);
      expect(experiment.mapping, q).toBeUndefined();
      expect(problems[0], q).toMatch(message);
    }
  });

  it('reads a link from a newer layout as far as it can', () => {
    expect(read('v=2&preset=tiny')).toEqual({
      experiment: { ...defaults, model: preset('tiny') },
      problems: ['v=2 is not a link version this app knows; read it as version 1'],
    });
  });
});
