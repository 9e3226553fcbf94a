// The learning-rate schedule and the stopping rule on validation loss (spec/TRAINING.md):
// ReduceLROnPlateau exactly as torch 1.13's (mode 'min', threshold_mode 'rel') with the
// contract's defaults, and early stopping that counts improvement the same way.

import { UserError } from '../errors.ts';

export interface PlateauOptions {
  factor: number;
  patience: number;
  /** Relative: a loss improves on `best` only if it is below best * (1 - threshold). */
  threshold: number;
  cooldown: number;
  minLr: number;
  /** A reduction smaller than this is skipped, as torch does. */
  eps: number;
}

// The contract's values (torch's own defaults differ: factor 0.1, patience 10, min_lr 0).
export const PLATEAU_DEFAULTS: PlateauOptions = {
  factor: 0.5,
  patience: 3,
  threshold: 1e-4,
  cooldown: 0,
  minLr: 1e-6,
  eps: 1e-8,
};

export const EARLY_STOPPING_PATIENCE = 10;

/**
 * torch's `is_better` for mode 'min', threshold_mode 'rel'. `best` null means no epoch has
 * been seen (torch's +inf), so anything but NaN improves on it; a NaN loss never improves.
 */
export function isImprovement(loss: number, best: number | null, threshold: number): boolean {
  if (best === null) return loss < Infinity;
  return loss < best * (1 - threshold);
}

// Checkpoint forms: plain JSON, snake_case. `best` is null before the first epoch because
// JSON cannot hold Infinity.
export interface PlateauState {
  version: 1;
  kind: 'reduce_lr_on_plateau';
  learning_rate: number;
  best: number | null;
  num_bad_epochs: number;
  cooldown_counter: number;
  last_epoch: number;
  factor: number;
  patience: number;
  threshold: number;
  cooldown: number;
  min_lr: number;
  eps: number;
}

export class ReduceLROnPlateau {
  readonly options: PlateauOptions;
  private lr: number;
  private best: number | null = null;
  private numBadEpochs = 0;
  private cooldownCounter = 0;
  private lastEpoch = 0;

  constructor(learningRate: number, options: Partial<PlateauOptions> = {}) {
    this.options = { ...PLATEAU_DEFAULTS, ...options };
    if (!(this.options.factor < 1)) throw new Error(`ReduceLROnPlateau: factor ${this.options.factor} must be < 1`);
    this.lr = learningRate;
  }

  get learningRate(): number {
    return this.lr;
  }

  /** Records one epoch's validation loss; returns the learning rate for the next epoch. */
  step(loss: number): number {
    const o = this.options;
    this.lastEpoch += 1;
    if (isImprovement(loss, this.best, o.threshold)) {
      this.best = loss;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count, as in torch
    }
    if (this.numBadEpochs > o.patience) {
      const next = Math.max(this.lr * o.factor, o.minLr);
      // At the floor the "reduction" is 0 (or tiny) and is skipped, so lr stays put.
      if (this.lr - next > o.eps) this.lr = next;
      this.cooldownCounter = o.cooldown;
      this.numBadEpochs = 0;
    }
    return this.lr;
  }

  state(): PlateauState {
    const o = this.options;
    return {
      version: 1,
      kind: 'reduce_lr_on_plateau',
      learning_rate: this.lr,
      best: this.best,
      num_bad_epochs: this.numBadEpochs,
      cooldown_counter: this.cooldownCounter,
      last_epoch: this.lastEpoch,
      factor: o.factor,
      patience: o.patience,
      threshold: o.threshold,
      cooldown: o.cooldown,
      min_lr: o.minLr,
      eps: o.eps,
    };
  }

  static fromState(raw: unknown): ReduceLROnPlateau {
    const s = record(raw, 'learning-rate scheduler');
    if (s.version !== 1 || s.kind !== 'reduce_lr_on_plateau') {
      throw new UserError('The checkpoint\'s learning-rate scheduler state is not a version 1 ReduceLROnPlateau state.');
    }
    const n = (key: string) => finite(s, key, 'learning-rate scheduler');
    const sched = new ReduceLROnPlateau(n('learning_rate'), {
      factor: n('factor'),
      patience: n('patience'),
      threshold: n('threshold'),
      cooldown: n('cooldown'),
      minLr: n('min_lr'),
      eps: n('eps'),
    });
    sched.best = s.best === null ? null : n('best');
    sched.numBadEpochs = n('num_bad_epochs');
    sched.cooldownCounter = n('cooldown_counter');
    sched.lastEpoch = n('last_epoch');
    return sched;
  }
}

export interface EarlyStoppingState {
  version: 1;
  kind: 'early_stopping';
  /** null: never stop (patience Infinity, which JSON cannot hold). */
  patience: number | null;
  threshold: number;
  best: number | null;
  best_epoch: number | null;
  num_bad_epochs: number;
  last_epoch: number;
}

export interface EarlyStoppingStep {
  /** This epoch is the new best (the loop saves the best checkpoint then). */
  improved: boolean;
  /** `patience` epochs in a row without improvement: stop training. */
  stop: boolean;
}

/**
 * Stops after `patience` consecutive epochs whose validation loss does not improve on the
 * best so far, where "improve" is the scheduler's rule (`isImprovement`: below best by more
 * than the relative threshold 1e-4), so the two never disagree on what a better epoch is.
 * Epochs are counted from 1; patience Infinity never stops (the loop's "off").
 */
export class EarlyStopping {
  private best: number | null = null;
  private bestEpoch: number | null = null;
  private numBadEpochs = 0;
  private lastEpoch = 0;

  constructor(
    readonly patience: number = EARLY_STOPPING_PATIENCE,
    readonly threshold: number = PLATEAU_DEFAULTS.threshold,
  ) {}

  get bestLoss(): number | null {
    return this.best;
  }

  get bestEpochNumber(): number | null {
    return this.bestEpoch;
  }

  step(loss: number): EarlyStoppingStep {
    this.lastEpoch += 1;
    const improved = isImprovement(loss, this.best, this.threshold);
    if (improved) {
      this.best = loss;
      this.bestEpoch = this.lastEpoch;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    return { improved, stop: this.numBadEpochs >= this.patience };
  }

  state(): EarlyStoppingState {
    return {
      version: 1,
      kind: 'early_stopping',
      patience: Number.isFinite(this.patience) ? this.patience : null,
      threshold: this.threshold,
      best: this.best,
      best_epoch: this.bestEpoch,
      num_bad_epochs: this.numBadEpochs,
      last_epoch: this.lastEpoch,
    };
  }

  static fromState(raw: unknown): EarlyStopping {
    const s = record(raw, 'early-stopping');
    if (s.version !== 1 || s.kind !== 'early_stopping') {
      throw new UserError('The checkpoint\'s early-stopping state is not a version 1 early-stopping state.');
    }
    const n = (key: string) => finite(s, key, 'early-stopping');
    const es = new EarlyStopping(s.patience === null ? Infinity : n('patience'), n('threshold'));
    es.best = s.best === null ? null : n('best');
    es.bestEpoch = s.best_epoch === null ? null : n('best_epoch');
    es.numBadEpochs = n('num_bad_epochs');
    es.lastEpoch = n('last_epoch');
    return es;
  }
}

function record(raw: unknown, what: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`The checkpoint's ${what} state is missing or is not an object.`);
  }
  return raw as Record<string, unknown>;
}

function finite(s: Record<string, unknown>, key: string, what: string): number {
  const v = s[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new UserError(`The checkpoint's ${what} state has ${key} = ${JSON.stringify(v)}; expected a number.`);
  }
  return v;
}
