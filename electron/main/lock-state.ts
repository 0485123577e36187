// Pure: no `electron` import. The shell's view of whether the vault is unlocked, for the parts that
// show it or depend on it (tray, menu, the locked-notice watcher). The engine reports locks
// (`onLock`) but not unlocks, and a vault unlocks only through an IPC call, so the tracker is
// re-checked after every IPC call and on every lock.
import type { Handlers } from './ipc/dispatch.ts';
import { noopLogger } from '../../shared/log/logger.ts';
import type { Logger } from '../../shared/log/logger.ts';

/** Calls `onChange` whenever `isUnlocked()` differs from what it last saw (the first `check()` always reports). */
export class LockStateTracker {
  private readonly isUnlocked: () => boolean;
  private readonly onChange: (unlocked: boolean) => void;
  private last: boolean | null = null;

  constructor(isUnlocked: () => boolean, onChange: (unlocked: boolean) => void) {
    this.isUnlocked = isUnlocked;
    this.onChange = onChange;
  }

  /** The state last reported (false before the first check). */
  get unlocked(): boolean {
    return this.last === true;
  }

  /** Looks at the vault; reports a change. */
  check(): void {
    const now = this.isUnlocked();
    if (now !== this.last) {
      this.last = now;
      this.onChange(now);
    }
  }
}

/**
 * The same handlers, each followed by `after()` once it settles (resolved or rejected). The
 * handler's result or error is passed through untouched; a throwing `after` is recorded in
 * `logger` and otherwise ignored.
 */
export function afterEachHandler(
  handlers: Handlers,
  after: () => void,
  logger: Logger = noopLogger,
): Handlers {
  const run = (): void => {
    try {
      after();
    } catch (error) {
      // The IPC answer must not depend on the shell's bookkeeping.
      logger.warn('the after-IPC check failed', { error });
    }
  };
  const wrapped: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [channel, handler] of Object.entries(handlers) as [
    string,
    (input: unknown) => Promise<unknown>,
  ][]) {
    wrapped[channel] = async (input) => {
      try {
        return await handler(input);
      } finally {
        run();
      }
    };
  }
  return wrapped as Handlers;
}
