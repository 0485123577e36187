import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../../electron/vault/clock.ts';
import type { ScheduleFile } from '../../../../electron/vault/schedule/schedule-file.ts';
import { writeScheduleFile } from '../../../../electron/vault/schedule/schedule-file.ts';
import {
  dueScheduleEntries,
  LOCKED_RECHECK_MAX_MS,
  LockedNoticeWatcher,
  nextScheduleDueAt,
  scheduleReader,
} from '../../../../electron/main/locked-notices.ts';
import type { NoticeForNotification } from '../../../../electron/main/notification-plan.ts';
import { NoticeNotifier } from '../../../../electron/main/notification-plan.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const VAULT_ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

type Entry = ScheduleFile['upcoming'][number];

function entry(id: string, dueAt: number, name = 'Billing'): Entry {
  return { id, kind: 'expires-soon', dueAt, integrationName: name, message: `${name}: expires soon.` };
}

function schedule(upcoming: Entry[], generatedAt = 0): ScheduleFile {
  return { format: 'keyward-schedule', version: 1, vaultId: VAULT_ID, generatedAt, upcoming, unread: [] };
}

const never = (): boolean => false;

describe('dueScheduleEntries / nextScheduleDueAt', () => {
  const file = schedule([entry('b', 200), entry('a', 100), entry('c', 300)]);

  it('due: at or before now, not shown, soonest first', () => {
    expect(dueScheduleEntries(file, 200, never).map((e) => e.id)).toEqual(['a', 'b']);
    expect(dueScheduleEntries(file, 200, (id) => id === 'a').map((e) => e.id)).toEqual(['b']);
  });

  it('next: the soonest entry strictly after now that is not shown', () => {
    expect(nextScheduleDueAt(file, 100, never)).toBe(200);
    expect(nextScheduleDueAt(file, 100, (id) => id === 'b')).toBe(300);
    expect(nextScheduleDueAt(file, 300, never)).toBeNull();
  });
});

describe('LockedNoticeWatcher', () => {
  function setup(upcoming: Entry[] | null) {
    const clock = new FakeClock();
    const delivered: NoticeForNotification[][] = [];
    const notifier = new NoticeNotifier(() => undefined);
    let current = upcoming === null ? null : schedule(upcoming);
    let reads = 0;
    const watcher = new LockedNoticeWatcher({
      clock,
      readSchedule: () => {
        reads += 1;
        return current;
      },
      isShown: (id) => notifier.hasShown(id),
      deliver: (notices) => {
        delivered.push(notices);
        notifier.notify(notices);
      },
    });
    return {
      clock,
      watcher,
      delivered,
      notifier,
      reads: () => reads,
      replace: (next: Entry[]) => {
        current = schedule(next);
      },
    };
  }

  it('shows what fell due while the app was closed, at once', () => {
    const t = new FakeClock().now();
    const { watcher, delivered } = setup([entry('past', t - DAY), entry('future', t + DAY)]);
    watcher.start();
    expect(delivered.map((batch) => batch.map((n) => n.id))).toEqual([['past']]);
  });

  it('keeps one timer, armed for the next due entry, and shows each entry when it falls due', () => {
    const t = new FakeClock().now();
    const { clock, watcher, delivered } = setup([entry('one', t + HOUR), entry('two', t + 2 * HOUR)]);
    watcher.start();
    expect(delivered).toHaveLength(0);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(HOUR);
    expect(delivered.map((batch) => batch.map((n) => n.id))).toEqual([['one']]);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(HOUR);
    expect(delivered.map((batch) => batch.map((n) => n.id))).toEqual([['one'], ['two']]);
  });

  it('caps a sleep, and reads the file again when it wakes (the CLI may have rewritten it)', () => {
    const t = new FakeClock().now();
    const { clock, watcher, delivered, reads, replace } = setup([entry('far', t + 30 * DAY)]);
    watcher.start();
    expect(reads()).toBe(1);
    replace([entry('soon', t + LOCKED_RECHECK_MAX_MS)]);
    clock.advance(LOCKED_RECHECK_MAX_MS);
    expect(reads()).toBe(2);
    expect(delivered.map((batch) => batch.map((n) => n.id))).toEqual([['soon']]);
  });

  it('without a schedule file, looks again after the cap', () => {
    const { clock, watcher, delivered, reads } = setup(null);
    watcher.start();
    clock.advance(LOCKED_RECHECK_MAX_MS);
    expect(reads()).toBe(2);
    expect(delivered).toHaveLength(0);
  });

  it('never shows an id twice in a run, across stop and start', () => {
    const t = new FakeClock().now();
    const { watcher, delivered } = setup([entry('past', t - HOUR)]);
    watcher.start();
    watcher.stop();
    watcher.start();
    expect(delivered).toHaveLength(1);
  });

  it('stop() drops the timer; check() while stopped does nothing', () => {
    const t = new FakeClock().now();
    const { clock, watcher, reads } = setup([entry('one', t + HOUR)]);
    watcher.start();
    watcher.stop();
    expect(watcher.running).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    watcher.check();
    expect(reads()).toBe(1);
  });

  it('check() (after the OS resumes) shows what became due while timers slept', () => {
    // A machine that slept: time jumped, and the armed timer has not fired.
    let now = Date.UTC(2026, 0, 1);
    let armed = 0;
    const clock: Clock = {
      now: () => now,
      setTimeout: () => ({ id: ++armed }),
      clearTimeout: () => undefined,
    };
    const delivered: string[] = [];
    const watcher = new LockedNoticeWatcher({
      clock,
      readSchedule: () => schedule([entry('one', Date.UTC(2026, 0, 1) + HOUR)]),
      isShown: (id) => delivered.includes(id),
      deliver: (notices) => delivered.push(...notices.map((n) => n.id)),
    });
    watcher.start();
    now += 2 * HOUR;
    watcher.check();
    expect(delivered).toEqual(['one']);
    expect(armed).toBe(2);
  });

  it('does not spin when delivering fails', () => {
    const t = new FakeClock().now();
    const clock = new FakeClock();
    let calls = 0;
    const watcher = new LockedNoticeWatcher({
      clock,
      readSchedule: () => schedule([entry('past', t - HOUR)]),
      isShown: never,
      deliver: () => {
        calls += 1;
        throw new Error('no notification server');
      },
    });
    watcher.start();
    expect(calls).toBe(1);
    clock.advance(LOCKED_RECHECK_MAX_MS - 1);
    expect(calls).toBe(1);
  });
});

describe('scheduleReader', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir !== null) {
      rmSync(dir, { recursive: true, force: true });
      dir = null;
    }
  });

  it('reads a schedule file the engine wrote, and answers null for none or garbage', () => {
    dir = mkdtempSync(join(tmpdir(), 'keyward-schedule-'));
    const path = join(dir, 'vault.db.schedule');
    expect(scheduleReader(path)()).toBeNull();
    writeScheduleFile(path, { vaultId: VAULT_ID, upcoming: [entry('a', 5)], unread: [] }, 1);
    expect(scheduleReader(path)()?.upcoming.map((e) => e.id)).toEqual(['a']);
    writeFileSync(path, 'not json');
    expect(scheduleReader(path)()).toBeNull();
  });
});
