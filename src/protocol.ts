// The messages between the page and the engine worker, as tagged unions (STYLE.md §4).
// Every switch over them is exhaustive; errors travel as messages.

import type { BackendName, BackendReport } from './backend/backends.ts';

export type ToWorker = { type: 'probe'; order?: BackendName[] };

export type FromWorker =
  | { type: 'backend'; report: BackendReport }
  | { type: 'error'; message: string };
