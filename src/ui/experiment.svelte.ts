// The experiment being edited: model, settings, data reference and column mapping, as
// reactive state. Views change it through these methods; the URL mirrors it (src/share).

import type { BackendName } from '../backend/names.ts';
import type { ColumnMapping } from '../data/types.ts';
import type { DataSettings } from '../data/dataset.ts';
import type { ModelConfig } from '../model/config.ts';
import { defaultExperiment, type DataRef, type Experiment } from '../run/experiment.ts';
import type { NewRunOptions } from '../store/recorder.ts';
import type { TrainingSettings } from '../train/settings.ts';
import type { LoadedFile } from './data.svelte.ts';

export class ExperimentState {
  current = $state<Experiment>(defaultExperiment());

  /** The data settings the loader and the trainer use: seq_len comes from the model. */
  get dataSettings(): Partial<DataSettings> {
    return { ...this.current.settings.data, seq_len: this.current.model.seq_len };
  }

  /** The backends to try, in order, for the experiment's choice; undefined: all, fastest first. */
  get backends(): BackendName[] | undefined {
    return this.current.backend === 'auto' ? undefined : [this.current.backend];
  }

  /**
   * A run of this experiment on `file`, as plain objects: the state is a proxy, which
   * IndexedDB and postMessage cannot clone. `changes` replace parts (another model).
   */
  runOptions(file: LoadedFile, changes: Partial<NewRunOptions> = {}): NewRunOptions {
    const { model, settings, mapping } = $state.snapshot(this.current);
    return { source: file.blob, file_name: file.name, model, settings, mapping, ...changes };
  }

  replace(e: Experiment): void {
    this.current = e;
  }

  setModel(model: ModelConfig): void {
    this.current.model = model;
  }

  setTraining<K extends keyof TrainingSettings>(key: K, value: TrainingSettings[K]): void {
    this.current.settings.training[key] = value;
  }

  setData(changes: Partial<DataSettings>): void {
    this.current.settings.data = { ...this.current.settings.data, ...changes };
  }

  setDataRef(ref: DataRef, mapping?: ColumnMapping): void {
    this.current.data = ref;
    this.current.mapping = mapping;
  }
}
