// Pure: no `electron` import. What the OS's power and session events do to the vault (docs/domain-rules.md
// Settings: "also lock on OS suspend and screen lock"); power.ts subscribes to `powerMonitor`.
import { noopLogger } from '../../shared/log/logger.ts';
import type { Logger } from '../../shared/log/logger.ts';

/** The `powerMonitor` events Keyward reacts to. `lock-screen`/`unlock-screen` exist on macOS and Windows only. */
export const POWER_EVENTS = ['suspend', 'resume', 'lock-screen', 'unlock-screen'] as const;

/** One of {@link POWER_EVENTS}. */
export type PowerEvent = (typeof POWER_EVENTS)[number];

/** What to do about a power event. */
export type PowerAction =
  | { kind: 'lock'; reason: 'suspend' | 'screen-lock' }
  | { kind: 'catch-up'; reason: 'resume' }
  | { kind: 'recheck-locked-notices' };

/**
 * The actions for `event`, in order: suspend and screen lock lock the vault (the reason is logged
 * and sent to the renderer); resume runs the scheduler's catch-up (a no-op while locked) and makes
 * the locked-notice watcher look at the schedule file again, since timers may have slept through
 * due times. Unlocking the screen does nothing: the vault stays locked until the user unlocks it.
 */
export function powerActions(event: PowerEvent): readonly PowerAction[] {
  switch (event) {
    case 'suspend':
      return [{ kind: 'lock', reason: 'suspend' }];
    case 'lock-screen':
      return [{ kind: 'lock', reason: 'screen-lock' }];
    case 'resume':
      return [{ kind: 'catch-up', reason: 'resume' }, { kind: 'recheck-locked-notices' }];
    case 'unlock-screen':
      return [];
  }
}

/** What power actions act on. */
export interface PowerTarget {
  lock(reason: 'suspend' | 'screen-lock'): void;
  catchUp(reason: 'resume'): void;
  recheckLockedNotices(): void;
}

/**
 * A listener for power events that applies {@link powerActions} to `target`. A failing action does
 * not stop the next one (a failed catch-up must not keep the notice watcher from looking); it is
 * recorded in `logger`.
 */
export function createPowerHandler(
  target: PowerTarget,
  logger: Logger = noopLogger,
): (event: PowerEvent) => void {
  return (event) => {
    for (const action of powerActions(event)) {
      try {
        if (action.kind === 'lock') {
          target.lock(action.reason);
        } else if (action.kind === 'catch-up') {
          target.catchUp(action.reason);
        } else {
          target.recheckLockedNotices();
        }
      } catch (error) {
        // The next event or the user's next action tries again; the log says what went wrong.
        logger.warn('a power event action failed', { event, action: action.kind, error });
      }
    }
  };
}
