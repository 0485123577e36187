// Pure: no `electron` import. How Keyward leaves: what happens when the last window closes, and the
// last things done before the process ends (the clipboard is cleared if it still holds a copy — an
// async read and compare — then the vault is locked), bounded so quitting never hangs.
import type { Clock } from '../vault/clock.ts';

/** How long quitting waits for the clipboard check before it goes anyway. */
export const QUIT_FLUSH_TIMEOUT_MS = 2000;

/**
 * Whether Keyward keeps running when its last window closes. macOS: yes, as every Mac app does.
 * Windows with a tray icon: yes — it stays in the notification area, so notices still become
 * notifications, and the tray's Quit (or Vault ▸ Exit) ends it. Linux: no — whether a tray icon is
 * visible depends on the desktop (GNOME shows none without an extension), and an invisible process
 * holding the vault would be worse than a closed app.
 */
export function keepRunningWhenWindowsClosed(options: { platform: string; hasTray: boolean }): boolean {
  if (options.platform === 'darwin') {
    return true;
  }
  return options.platform === 'win32' && options.hasTray;
}

/** What the quit guard runs. */
export interface QuitGuardOptions {
  clock: Clock;
  /** Async work to finish first (clear the clipboard if unchanged); cut short after `timeoutMs`. */
  flush: () => Promise<void>;
  /** Synchronous last steps, always run (stop timers, lock the vault). */
  close: () => void;
  /** Quits again, once ready (`app.quit()`). */
  quit: () => void;
  timeoutMs?: number;
}

/**
 * A `will-quit` listener: the first time, it holds the quit (`preventDefault`), runs `flush` (at most
 * `timeoutMs`), then `close`, then calls `quit` — and lets that second quit through. Further
 * `will-quit`s while flushing are held too.
 */
export function createQuitGuard(options: QuitGuardOptions): (event: { preventDefault: () => void }) => void {
  let state: 'running' | 'flushing' | 'ready' = 'running';
  const timeoutMs = options.timeoutMs ?? QUIT_FLUSH_TIMEOUT_MS;
  const finish = (): void => {
    if (state === 'ready') {
      return;
    }
    state = 'ready';
    try {
      options.close();
    } finally {
      options.quit();
    }
  };
  return (event) => {
    if (state === 'ready') {
      return;
    }
    event.preventDefault();
    if (state === 'flushing') {
      return;
    }
    state = 'flushing';
    const timer = options.clock.setTimeout(finish, timeoutMs);
    let flushing: Promise<void>;
    try {
      flushing = options.flush();
    } catch (error) {
      flushing = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    flushing
      .catch(() => undefined)
      .finally(() => {
        options.clock.clearTimeout(timer);
        finish();
      })
      .catch(() => undefined);
  };
}
