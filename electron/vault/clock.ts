/** A handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = { readonly id: number };

/**
 * Time as the engine sees it. Everything that depends on time takes a Clock, so tests move time
 * instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` once after `delayMs` (clamped to at least 0). */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown or fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** Node's largest timer delay; longer delays are re-armed in steps. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** The real clock. Timers are unref'd so they never keep a CLI process alive. */
export function createSystemClock(): Clock {
  let nextId = 1;
  const timers = new Map<number, NodeJS.Timeout>();
  const arm = (id: number, callback: () => void, dueAt: number): void => {
    const delay = Math.min(Math.max(0, dueAt - Date.now()), MAX_TIMER_DELAY_MS);
    const timer = setTimeout(() => {
      if (Date.now() < dueAt) {
        arm(id, callback, dueAt);
        return;
      }
      timers.delete(id);
      callback();
    }, delay);
    timer.unref();
    timers.set(id, timer);
  };
  return {
    now: () => Date.now(),
    setTimeout(callback, delayMs) {
      const id = nextId++;
      arm(id, callback, Date.now() + Math.max(0, delayMs));
      return { id };
    },
    clearTimeout(handle) {
      const timer = timers.get(handle.id);
      if (timer) {
        clearTimeout(timer);
        timers.delete(handle.id);
      }
    },
  };
}
