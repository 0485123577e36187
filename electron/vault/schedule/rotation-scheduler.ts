import type { Clock, TimerHandle } from '../clock.ts';
import type { Integrations } from '../keys/integrations.ts';
import type { DueSteps } from './due-steps.ts';
import type { Notice, NoticeService } from './notices.ts';
import { noopLogger } from '../../../shared/log/logger.ts';
import type { Logger } from '../../../shared/log/logger.ts';

/** Why a catch-up ran (for logs and tests). */
export type CatchUpReason = 'start' | 'unlock' | 'resume' | 'timer' | 'change';

/** What one catch-up did. */
export interface CatchUpResult {
  reason: CatchUpReason;
  rotated: number;
  expired: number;
  failed: number;
  notices: Notice[];
  nextAt: number | null;
}

/** Retry delays after an automatic rotation failed: 1 min doubling to 1 h. */
const FAILURE_RETRY_MIN_MS = 60_000;
const FAILURE_RETRY_MAX_MS = 3_600_000;

/**
 * Drives everything that happens by time: automatic rotation at expiry, grace end, notices, and any
 * extra due time the app adds (the daily Secret re-mint). One timer for the next due event across
 * all keys, re-planned on every change; `catchUp` runs on start, unlock and OS resume, so nothing is
 * missed while the app was closed or the machine slept. Every step is idempotent. A rotation that
 * fails becomes a notice and is retried with backoff, never in a tight loop.
 */
export class RotationScheduler {
  private readonly clock: Clock;
  private readonly due: DueSteps;
  private readonly integrations: Pick<Integrations, 'requireIntegration'>;
  private readonly notices: NoticeService;
  private readonly onNotices: (notices: Notice[]) => void;
  private readonly extraDueAt: () => number | null;
  private readonly onExtraDue: (now: number) => void;
  private readonly onPlanned: () => void;
  private readonly logger: Logger;
  private timer: TimerHandle | null = null;
  private plannedAt: number | null = null;
  private failureStreak = 0;
  private running = false;
  private stopped = true;

  constructor(deps: {
    clock: Clock;
    due: DueSteps;
    integrations: Pick<Integrations, 'requireIntegration'>;
    notices: NoticeService;
    onNotices?: (notices: Notice[]) => void;
    extraDueAt?: () => number | null;
    onExtraDue?: (now: number) => void;
    /** Called after every (re-)plan, e.g. to refresh the schedule file. */
    onPlanned?: () => void;
    /** Where failed rotations and catch-ups are recorded for diagnostics (default: nowhere). */
    logger?: Logger;
  }) {
    this.clock = deps.clock;
    this.due = deps.due;
    this.integrations = deps.integrations;
    this.notices = deps.notices;
    this.onNotices = deps.onNotices ?? (() => undefined);
    this.extraDueAt = deps.extraDueAt ?? (() => null);
    this.onExtraDue = deps.onExtraDue ?? (() => undefined);
    this.onPlanned = deps.onPlanned ?? (() => undefined);
    this.logger = deps.logger ?? noopLogger;
  }

  /** Starts: catches up on everything due, then plans the one timer. */
  start(reason: CatchUpReason = 'start'): CatchUpResult {
    this.stopped = false;
    return this.catchUp(reason);
  }

  /** Stops and disarms the timer (on lock). */
  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  /** The moment the timer is set for, or null. */
  get nextAt(): number | null {
    return this.plannedAt;
  }

  /** Applies everything due now, emits notices, and re-plans. */
  catchUp(reason: CatchUpReason): CatchUpResult {
    if (this.running) {
      return { reason, rotated: 0, expired: 0, failed: 0, notices: [], nextAt: this.plannedAt };
    }
    this.running = true;
    try {
      const now = this.clock.now();
      const fired: Notice[] = [];
      const { rotated, expired, failed } = this.due.runDue(now, {
        onRotated: ({ key, integration, previous }) => {
          const notice = this.notices.recordRotation({
            integrationId: integration.id,
            integrationName: integration.name,
            newKeyId: key.id,
            previousStatus: previous.status,
            graceEndsAt: previous.graceEndsAt,
          });
          if (notice) {
            fired.push(notice);
          }
        },
      });
      for (const failure of failed) {
        this.logger.warn('an automatic rotation failed', { ...failure });
        const name = this.safeName(failure.integrationId);
        const notice = this.notices.recordRotationFailure({
          integrationId: failure.integrationId,
          integrationName: name,
          message: failure.message,
        });
        if (notice) {
          fired.push(notice);
        }
      }
      fired.push(...this.notices.fireDue(now));
      const extra = this.extraDueAt();
      if (extra !== null && extra <= now) {
        this.onExtraDue(now);
      }
      this.failureStreak = failed.length ? this.failureStreak + 1 : 0;
      if (fired.length) {
        this.onNotices(fired);
      }
      const nextAt = this.plan();
      this.logger.debug('catch-up', {
        reason,
        rotated: rotated.length,
        expired: expired.length,
        failed: failed.length,
        notices: fired.length,
        nextAt,
      });
      return {
        reason,
        rotated: rotated.length,
        expired: expired.length,
        failed: failed.length,
        notices: fired,
        nextAt,
      };
    } finally {
      this.running = false;
    }
  }

  /** Re-plans the one timer (call after any change that can move the next due time). */
  plan(): number | null {
    const next = this.planTimer();
    if (!this.stopped) {
      this.onPlanned();
    }
    return next;
  }

  private planTimer(): number | null {
    this.disarm();
    if (this.stopped) {
      return null;
    }
    const now = this.clock.now();
    const candidates = [this.due.nextTransitionAt(), this.notices.nextDueAt(now), this.extraDueAt()].filter(
      (at): at is number => at !== null,
    );
    if (candidates.length === 0) {
      this.plannedAt = null;
      return null;
    }
    let next = Math.min(...candidates);
    if (next <= now) {
      // Still due right after a catch-up: something failed. Back off instead of spinning.
      const backoff = Math.min(
        FAILURE_RETRY_MIN_MS * 2 ** Math.max(0, this.failureStreak - 1),
        FAILURE_RETRY_MAX_MS,
      );
      next = now + backoff;
    }
    this.plannedAt = next;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.catchUp('timer');
    }, next - now);
    return next;
  }

  private disarm(): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    this.plannedAt = null;
  }

  private safeName(integrationId: string): string {
    try {
      return this.integrations.requireIntegration(integrationId).name;
    } catch {
      // Deleted since its rotation failed: the notice still needs a name, and nothing else is wrong.
      return 'An integration';
    }
  }
}
