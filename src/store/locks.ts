// One tab owns a run: it holds the Web Lock `nexus-run-<id>` while it trains, and every
// write for the run takes that lock as proof. The browser releases the lock when the tab
// closes or reloads, so a 'running' run whose lock is free has lost its tab: interrupted.

import { UserError } from '../errors.ts';

const PREFIX = 'nexus-run-';

export function lockName(runId: string): string {
  return `${PREFIX}${runId}`;
}

export class RunBusyError extends UserError {
  override name = 'RunBusyError';
  constructor(runId: string) {
    super(`run ${runId} is open in another tab of this browser: continue it there, or close that tab first`);
  }
}

/** A held run lock. release() lets it go; writes check `held` first. */
export class RunLock {
  private released = false;

  constructor(
    readonly runId: string,
    private readonly letGo: () => void,
    private readonly gone: Promise<void>, // settles once the browser has let the lock go
  ) {}

  get held(): boolean {
    return !this.released;
  }

  /** Throws unless this is a held lock for `runId` (a write for another run, or after release). */
  check(runId: string): void {
    if (this.runId !== runId) throw new Error(`the lock for run ${this.runId} was used to write run ${runId}`);
    if (this.released) throw new UserError(`this tab no longer owns run ${runId}: resume it again to keep saving it`);
  }

  /** Resolves once another tab (or this one) can take the lock. */
  release(): Promise<void> {
    if (!this.released) {
      this.released = true;
      this.letGo();
    }
    return this.gone;
  }
}

function lockManager(): LockManager {
  if (typeof navigator === 'undefined' || navigator.locks === undefined) {
    throw new UserError('this browser has no Web Locks, which keep two tabs from writing the same run: use a current Chrome, Edge, Firefox or Safari');
  }
  return navigator.locks;
}

/** Takes the run's lock now, or throws RunBusyError where another tab (or this one) holds it. */
export function acquireRunLock(runId: string): Promise<RunLock> {
  return new Promise<RunLock>((resolve, reject) => {
    // request() settles after the callback's promise does and the lock is released.
    const granted = lockManager().request(lockName(runId), { ifAvailable: true }, async (lock) => {
      if (lock === null) {
        reject(new RunBusyError(runId));
        return;
      }
      // The lock lasts as long as this promise is pending. (The callback runs in a later
      // task, by when `gone` is set.)
      await new Promise<void>((letGo) => resolve(new RunLock(runId, letGo, gone)));
    });
    const gone = granted.then(() => undefined);
    gone.catch(reject);
  });
}

/** The ids of runs whose lock some tab of this browser holds (or waits for) right now. */
export async function ownedRunIds(): Promise<Set<string>> {
  const { held = [], pending = [] } = await lockManager().query();
  const ids = new Set<string>();
  for (const l of [...held, ...pending]) if (l.name?.startsWith(PREFIX)) ids.add(l.name.slice(PREFIX.length));
  return ids;
}
