// Pure: no `electron` import. OS notifications while the vault is LOCKED (docs/domain-rules.md, "Desktop app"): the engine's
// scheduler cannot run without the data key, so this reads the unencrypted schedule file it leaves
// beside the vault (`<vault>.schedule`: upcoming expiry and grace notices, names and times only) and
// shows each entry when it falls due — one timer, armed for the next due entry, capped so the file
// is re-read now and then (the CLI may have rewritten it) and a clock change is noticed.
import { KeywardError } from '../../shared/errors.ts';
import type { Clock, TimerHandle } from '../vault/clock.ts';
import { readScheduleFile } from '../vault/schedule/schedule-file.ts';
import type { ScheduleFile } from '../vault/schedule/schedule-file.ts';
import type { NoticeForNotification } from './notification-plan.ts';
import { noopLogger } from '../../shared/log/logger.ts';
import type { Logger } from '../../shared/log/logger.ts';

/** The longest the watcher sleeps before reading the schedule file again. */
export const LOCKED_RECHECK_MAX_MS = 6 * 60 * 60 * 1000;

/** The upcoming entries of `schedule` that are due at `now` and not shown yet, soonest first. */
export function dueScheduleEntries(
  schedule: ScheduleFile,
  now: number,
  isShown: (id: string) => boolean,
): NoticeForNotification[] {
  return schedule.upcoming
    .filter((entry) => entry.dueAt <= now && !isShown(entry.id))
    .sort((a, b) => a.dueAt - b.dueAt);
}

/** When the next not-yet-shown entry falls due (strictly after `now`), or null. */
export function nextScheduleDueAt(
  schedule: ScheduleFile,
  now: number,
  isShown: (id: string) => boolean,
): number | null {
  let next: number | null = null;
  for (const entry of schedule.upcoming) {
    if (entry.dueAt > now && !isShown(entry.id) && (next === null || entry.dueAt < next)) {
      next = entry.dueAt;
    }
  }
  return next;
}

/**
 * A reader for the schedule file at `path`: null when there is none yet or it is not one (a damaged
 * or unreadable file is also recorded in `logger`; a missing one is normal before the first unlock).
 */
export function scheduleReader(path: string, logger: Logger = noopLogger): () => ScheduleFile | null {
  return () => {
    try {
      return readScheduleFile(path);
    } catch (error) {
      if (!(error instanceof KeywardError && error.code === 'NOT_FOUND')) {
        logger.warn('could not read the schedule file', { error });
      }
      return null;
    }
  };
}

/** What the watcher needs. */
export interface LockedNoticeWatcherOptions {
  clock: Clock;
  /** The schedule file's content now, or null when there is none. */
  readSchedule: () => ScheduleFile | null;
  /** Whether a notice id was already shown in this run. */
  isShown: (id: string) => boolean;
  /** Shows due notices (and records them as shown). */
  deliver: (notices: NoticeForNotification[]) => void;
  /** Cap on one sleep (default {@link LOCKED_RECHECK_MAX_MS}). */
  maxDelayMs?: number;
  /** Records deliveries that failed (default: nowhere). */
  logger?: Logger;
}

/**
 * Shows schedule-file notices as they fall due while the vault is locked. `start()` when the vault
 * locks (and at launch), `stop()` when it unlocks — the engine's own scheduler takes over then.
 * Entries already due at `start()` (the app was closed when they fell due) are shown at once.
 */
export class LockedNoticeWatcher {
  private readonly options: LockedNoticeWatcherOptions;
  private timer: TimerHandle | null = null;
  private active = false;

  constructor(options: LockedNoticeWatcherOptions) {
    this.options = options;
  }

  /** Whether the watcher is running. */
  get running(): boolean {
    return this.active;
  }

  /** Starts watching (a no-op check when already running). */
  start(): void {
    this.active = true;
    this.check();
  }

  /** Stops watching and drops the timer. */
  stop(): void {
    this.active = false;
    this.disarm();
  }

  /** Reads the file now, shows what is due and re-arms (e.g. after the OS resumes). No-op when stopped. */
  check(): void {
    if (!this.active) {
      return;
    }
    this.disarm();
    const { clock, readSchedule, isShown, deliver } = this.options;
    const maxDelayMs = this.options.maxDelayMs ?? LOCKED_RECHECK_MAX_MS;
    const now = clock.now();
    const schedule = readSchedule();
    let next: number | null = null;
    if (schedule !== null) {
      const due = dueScheduleEntries(schedule, now, isShown);
      if (due.length > 0) {
        try {
          deliver(due);
        } catch (error) {
          // Showing failed; the entries are not retried in a loop.
          (this.options.logger ?? noopLogger).warn('could not show due notices while locked', { error });
        }
      }
      next = nextScheduleDueAt(schedule, now, (id) => isShown(id) || due.some((entry) => entry.id === id));
    }
    const delay = next === null ? maxDelayMs : Math.min(Math.max(0, next - now), maxDelayMs);
    this.timer = clock.setTimeout(() => {
      this.timer = null;
      this.check();
    }, delay);
  }

  private disarm(): void {
    if (this.timer !== null) {
      this.options.clock.clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
