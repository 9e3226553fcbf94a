// The experiment in the address bar: a link opened restores it (src/share/url.ts checks
// every value), every later change is written back with history.replaceState, and "copy
// link" puts the address on the clipboard. Problems with a link are kept as sentences.

import { experimentFromQuery, experimentToQuery } from '../share/url.ts';
import type { ExperimentState } from './experiment.svelte.ts';

// Typing a number changes the experiment on each edit; the address bar need not follow every one.
const WRITE_DELAY_MS = 200;
// "Link copied" goes stale once the experiment changes again.
const COPIED_SHOWN_MS = 4000;

export type CopyState = { done: 'copied' } | { done: 'failed'; message: string };

export class ShareState {
  /** What could not be used from the link that opened the page, as sentences (shown as text). */
  problems = $state.raw<string[]>([]);
  copy = $state.raw<CopyState | undefined>(undefined);

  constructor(private readonly experiment: ExperimentState) {}

  /** Restores the experiment `search` (location.search) describes; a plain visit keeps the defaults. */
  open(search: string): void {
    if (new URLSearchParams(search).size === 0) return;
    const { experiment, problems } = experimentFromQuery(search);
    this.experiment.replace(experiment);
    this.problems = problems;
  }

  /** The page's address with the current experiment in its query. */
  href(): string {
    const url = new URL(location.href);
    url.search = experimentToQuery(this.experiment.current);
    return url.href;
  }

  /** Keeps the address bar equal to the experiment from now on; returns the function that stops it. */
  follow(): () => void {
    return $effect.root(() => {
      $effect(() => {
        const href = this.href(); // reads the whole experiment, so any change runs this again
        const timer = setTimeout(() => {
          if (href !== location.href) history.replaceState(history.state, '', href);
        }, WRITE_DELAY_MS);
        return () => clearTimeout(timer);
      });
    });
  }

  /** Puts the link on the clipboard; where the browser refuses, says where else to copy it from. */
  async copyLink(): Promise<void> {
    const href = this.href();
    history.replaceState(history.state, '', href);
    try {
      await navigator.clipboard.writeText(href);
      const copied: CopyState = { done: 'copied' };
      this.copy = copied;
      setTimeout(() => {
        if (this.copy === copied) this.copy = undefined;
      }, COPIED_SHOWN_MS);
    } catch {
      this.copy = { done: 'failed', message: 'This browser did not allow copying here: copy the link from the address bar, which always holds it.' };
    }
  }

  dismissProblems(): void {
    this.problems = [];
  }
}
