import { KeywardError } from '../../../shared/errors.ts';
import { noopLogger } from '../../../shared/log/logger.ts';
import type { Logger } from '../../../shared/log/logger.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import type { ClipboardTarget, SystemClipboard } from './clipboard.ts';
import { CLIPBOARD_TARGETS } from './clipboard.ts';
import { assertClearDelay, clearIfUnchanged, clipboardDigest, writeToTargets } from './clipboard-content.ts';

/** How long a copy stays on the clipboard: seconds, or `null` for never cleared. */
export interface CopyOptions {
  clearAfterSeconds: number | null;
}

/** What a copy did. */
export interface CopyResult {
  /** The targets the text was written to (`selection` only where there is one and it worked). */
  targets: readonly ClipboardTarget[];
  /** When the guard will check and clear them (epoch ms), or `null` for never. */
  clearAt: number | null;
}

/**
 * What the guard reports to its listeners, in order:
 * - `copied`: text was written to `targets`; `clearAt` is when it will be checked (null: never).
 * - `expired`: the countdown for `targets` reached zero; they are being checked now. One of the
 *   two outcomes below always follows.
 * - `cleared`: `targets` still held the copy and were emptied; `leftAlone` had changed.
 * - `left-alone`: none was cleared: `targets` held something else by then (the user copied or
 *   selected other text), and `failed` could not be read or cleared.
 */
export type ClipboardChange =
  | { kind: 'copied'; targets: readonly ClipboardTarget[]; clearAt: number | null }
  | { kind: 'expired'; targets: readonly ClipboardTarget[] }
  | {
      kind: 'cleared';
      targets: readonly ClipboardTarget[];
      leftAlone: readonly ClipboardTarget[];
      failed: readonly ClipboardTarget[];
    }
  | { kind: 'left-alone'; targets: readonly ClipboardTarget[]; failed: readonly ClipboardTarget[] };

/** Receives every {@link ClipboardChange}. */
export type ClipboardChangeListener = (change: ClipboardChange) => void;

/** A pending clear for one target: the digest of what was copied there, and when to check it. */
interface PendingClear {
  digest: string;
  dueAt: number;
}

/**
 * Copies text to the clipboard (and the Linux primary selection) and takes it back off after a
 * delay, but only where it is still exactly what was copied: if the user copied something else
 * meanwhile, that is left alone. Only a SHA-256 of the copied text is kept, never the text.
 *
 * One timer on the injected {@link Clock}. A new copy replaces the pending clear of every target it
 * writes, so an earlier copy's countdown can never clear a later copy's text. Copies and checks run
 * one at a time, in call order, so a check never interleaves with a copy's writes.
 */
export class ClipboardGuard {
  private readonly clipboard: SystemClipboard;
  private readonly clock: Clock;
  private readonly pending = new Map<ClipboardTarget, PendingClear>();
  private readonly listeners = new Set<ClipboardChangeListener>();
  private timer: TimerHandle | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly logger: Logger;

  /** `logger` records clears that failed and listeners that threw (default: nowhere). */
  constructor(clipboard: SystemClipboard, clock: Clock, logger: Logger = noopLogger) {
    this.clipboard = clipboard;
    this.clock = clock;
    this.logger = logger;
  }

  /**
   * Writes `text` and starts its countdown (`clearAfterSeconds: null`: never cleared, and any
   * pending clear of the targets written is dropped, since they no longer hold the earlier copy).
   * Rejects (and changes nothing) when the clipboard write fails; INVALID_INPUT for a negative or
   * non-finite delay; INVALID_STATE after {@link dispose}.
   */
  async copy(text: string, options: CopyOptions): Promise<CopyResult> {
    const seconds = options.clearAfterSeconds;
    assertClearDelay(seconds);
    return await this.serially(async () => {
      this.assertUsable();
      const digest = clipboardDigest(text);
      const targets = await writeToTargets(this.clipboard, text);
      const clearAt = seconds === null ? null : this.clock.now() + seconds * 1000;
      for (const target of targets) {
        if (clearAt === null) {
          this.pending.delete(target);
        } else {
          this.pending.set(target, { digest, dueAt: clearAt });
        }
      }
      this.rearm();
      this.emit({ kind: 'copied', targets, clearAt });
      return { targets, clearAt };
    });
  }

  /**
   * Milliseconds until the next pending clear (for a countdown), or `null` when nothing is pending.
   */
  remainingMs(): number | null {
    const dueAt = this.nextDueAt();
    return dueAt === null ? null : Math.max(0, dueAt - this.clock.now());
  }

  /**
   * Runs every pending clear now instead of waiting (for quitting or locking): each target is
   * cleared only if it still holds the copy. Resolves when done.
   */
  clearNow(): Promise<void> {
    return this.serially(() => this.runPending(true));
  }

  /**
   * Called for every change. A listener that throws does not affect the guard or the other
   * listeners (its error is dropped). Returns an unsubscribe function.
   */
  onChange(listener: ClipboardChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stops the countdown and forgets every pending clear and listener; the clipboard is not touched
   * (call {@link clearNow} first to clear it). Further copies reject with INVALID_STATE.
   */
  dispose(): void {
    this.disposed = true;
    this.disarm();
    this.pending.clear();
    this.listeners.clear();
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    // The caller gets the error; the queue only needs to go on to the next operation.
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runPending(all: boolean): Promise<void> {
    if (this.disposed) {
      return;
    }
    const now = this.clock.now();
    const due = CLIPBOARD_TARGETS.flatMap((target) => {
      const entry = this.pending.get(target);
      return entry !== undefined && (all || entry.dueAt <= now) ? [{ target, entry }] : [];
    });
    if (due.length > 0) {
      this.emit({ kind: 'expired', targets: due.map(({ target }) => target) });
      const cleared: ClipboardTarget[] = [];
      const leftAlone: ClipboardTarget[] = [];
      const failed: ClipboardTarget[] = [];
      for (const { target, entry } of due) {
        this.pending.delete(target);
        try {
          const outcome = await clearIfUnchanged(this.clipboard, target, entry.digest);
          (outcome === 'cleared' ? cleared : leftAlone).push(target);
        } catch (error) {
          // Reported to listeners as `failed` (the UI says so); the cause is for the log.
          this.logger.warn('could not clear a copy from the clipboard', { target, error });
          failed.push(target);
        }
      }
      this.emit(
        cleared.length > 0
          ? { kind: 'cleared', targets: cleared, leftAlone, failed }
          : { kind: 'left-alone', targets: leftAlone, failed },
      );
    }
    this.rearm();
  }

  private nextDueAt(): number | null {
    let next: number | null = null;
    for (const { dueAt } of this.pending.values()) {
      next = next === null ? dueAt : Math.min(next, dueAt);
    }
    return next;
  }

  private rearm(): void {
    this.disarm();
    const dueAt = this.nextDueAt();
    if (dueAt === null || this.disposed) {
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.serially(() => this.runPending(false)).catch((error: unknown) => {
        this.logger.warn('the clipboard countdown failed', { error });
      });
    }, dueAt - this.clock.now());
  }

  private disarm(): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private assertUsable(): void {
    if (this.disposed) {
      throw new KeywardError('INVALID_STATE', 'The clipboard guard has been disposed.');
    }
  }

  private emit(change: ClipboardChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        // A failing listener must not stop the others, nor leave a copy without its countdown.
        this.logger.warn('a clipboard listener threw', { kind: change.kind, error });
      }
    }
  }
}
