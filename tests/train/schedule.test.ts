// ReduceLROnPlateau against torch 1.13's scheduler (tests/train/py/plateau_ref.py): the
// same validation losses give exactly the same learning rates; early stopping by hand.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EarlyStopping, ReduceLROnPlateau, isImprovement, PLATEAU_DEFAULTS } from '../../src/train/schedule.ts';
import type { PlateauOptions } from '../../src/train/schedule.ts';
import { pythonHas, runPythonJson } from '../support/python.ts';

const py = (name: string) => join(import.meta.dirname, 'py', name);

interface Case {
  lr: number;
  losses: number[];
  options: PlateauOptions;
}

// A long plateau walks 1e-4 down to the 1e-6 floor; 0.99995 is not an improvement on 1
// (relative threshold 1e-4); NaN and Infinity count as bad epochs.
const plateau = [1, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.79995, 0.7, ...Array(30).fill(0.75)];
const CASES: Case[] = [
  { lr: 1e-4, losses: plateau, options: PLATEAU_DEFAULTS },
  { lr: 1e-4, losses: [1, 0.99995, 0.99991, 0.9998, NaN, Infinity, 0.5, 0.5, 0.5, 0.5, 0.5, 0.49], options: PLATEAU_DEFAULTS },
  { lr: 0.1, losses: [5, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 2], options: { ...PLATEAU_DEFAULTS, factor: 0.1, patience: 1, cooldown: 2, minLr: 0 } },
  // Reductions of 1.5e-8 happen, the next one (7.5e-9) is below eps and is skipped.
  { lr: 3e-8, losses: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], options: { ...PLATEAU_DEFAULTS, patience: 1, minLr: 0 } },
];

function ours(c: Case): number[] {
  const s = new ReduceLROnPlateau(c.lr, c.options);
  return c.losses.map((l) => s.step(l));
}

describe.skipIf(!pythonHas('torch'))('ReduceLROnPlateau matches torch 1.13', () => {
  it('gives the same learning-rate sequence for each case', () => {
    const want = runPythonJson<{ lrs: number[][] }>(py('plateau_ref.py'), {
      cases: CASES.map((c) => ({
        lr: c.lr,
        losses: c.losses.map((l) => (Number.isFinite(l) ? l : String(l))), // float('NaN') reads these
        factor: c.options.factor,
        patience: c.options.patience,
        threshold: c.options.threshold,
        cooldown: c.options.cooldown,
        min_lr: c.options.minLr,
        eps: c.options.eps,
      })),
    });
    CASES.forEach((c, i) => expect(ours(c), `case ${i}`).toEqual(want.lrs[i]));
  });
});

describe('ReduceLROnPlateau', () => {
  it('halves after more than 3 bad epochs and stops at the 1e-6 floor', () => {
    const lrs = ours(CASES[0]);
    expect(lrs.slice(0, 6)).toEqual(Array(6).fill(1e-4)); // 0.8 x5: bad epochs 1..3
    expect(lrs[6]).toBe(5e-5); // the 4th bad epoch reduces
    expect(lrs[7]).toBe(5e-5); // 0.79995 is not below 0.8 * (1 - 1e-4): a bad epoch
    expect(lrs.at(-1)).toBe(1e-6);
  });

  it('resumes from JSON state exactly where it left off', () => {
    const c = CASES[2];
    const first = new ReduceLROnPlateau(c.lr, c.options);
    const head = c.losses.slice(0, 7).map((l) => first.step(l));
    const resumed = ReduceLROnPlateau.fromState(JSON.parse(JSON.stringify(first.state())));
    const tail = c.losses.slice(7).map((l) => resumed.step(l));
    expect([...head, ...tail]).toEqual(ours(c));
    expect(new ReduceLROnPlateau(1e-4).state().best).toBeNull(); // no Infinity in JSON
  });

  it('rejects a malformed state with a sentence', () => {
    expect(() => ReduceLROnPlateau.fromState({ version: 1, kind: 'reduce_lr_on_plateau', learning_rate: 'x' }))
      .toThrow(/learning_rate = "x"; expected a number/);
  });
});

describe('EarlyStopping', () => {
  it('stops after 10 epochs in a row without improvement, improvement as the scheduler', () => {
    const es = new EarlyStopping();
    const losses = [1, 0.9, 0.95, 0.89995, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.89992]; // 0.89992 > 0.9 * (1 - 1e-4)
    const steps = losses.map((l) => es.step(l));
    expect(steps.map((s) => s.improved)).toEqual([true, true, ...Array(10).fill(false)]);
    expect(steps.map((s) => s.stop)).toEqual([...Array(11).fill(false), true]);
    expect(es.bestEpochNumber).toBe(2);
    expect(es.bestLoss).toBe(0.9);
  });

  it('an improvement resets the count; NaN never improves', () => {
    const es = new EarlyStopping(2);
    expect(es.step(NaN)).toEqual({ improved: false, stop: false });
    expect(es.step(1)).toEqual({ improved: true, stop: false });
    expect(es.step(NaN)).toEqual({ improved: false, stop: false });
    expect(es.step(0.5)).toEqual({ improved: true, stop: false });
    expect(es.step(0.6)).toEqual({ improved: false, stop: false });
    expect(es.step(0.6)).toEqual({ improved: false, stop: true });
  });

  it('round-trips its state through JSON', () => {
    const es = new EarlyStopping(3);
    [1, 0.5, 0.7].forEach((l) => es.step(l));
    const back = EarlyStopping.fromState(JSON.parse(JSON.stringify(es.state())));
    expect(back.state()).toEqual(es.state());
    expect(back.step(0.7)).toEqual({ improved: false, stop: false });
    expect(back.step(0.7)).toEqual({ improved: false, stop: true });
  });

  it('patience Infinity (off) never stops and survives JSON as null', () => {
    const es = new EarlyStopping(Infinity);
    expect(Array.from({ length: 50 }, () => es.step(1)).some((s) => s.stop)).toBe(false);
    const state = JSON.parse(JSON.stringify(es.state()));
    expect(state.patience).toBeNull();
    expect(EarlyStopping.fromState(state).patience).toBe(Infinity);
  });

  it('shares the improvement rule with the scheduler', () => {
    expect(isImprovement(0.99995, 1, 1e-4)).toBe(false);
    expect(isImprovement(0.9998, 1, 1e-4)).toBe(true);
    expect(isImprovement(5, null, 1e-4)).toBe(true);
    expect(isImprovement(Infinity, null, 1e-4)).toBe(false);
  });
});
