import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../../electron/vault/keys/key-lifecycle.ts';
import { NoticeService } from '../../../../electron/vault/schedule/notices.ts';
import type { Notice } from '../../../../electron/vault/schedule/notices.ts';
import { RotationScheduler } from '../../../../electron/vault/schedule/rotation-scheduler.ts';
import { makeLifecycle } from '../../../support/lifecycle-fixture.ts';

const actor = { actor: 'owner' };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

function setup(leadDays = 30) {
  const made = makeLifecycle();
  cleanups.push(made.cleanup);
  const notices = new NoticeService(made.db, made.clock, () => leadDays);
  const shown: Notice[] = [];
  const scheduler = new RotationScheduler({
    clock: made.clock,
    due: made.due,
    integrations: made.integrations,
    notices,
    onNotices: (batch) => shown.push(...batch),
  });
  cleanups.unshift(() => scheduler.stop());
  return { ...made, notices, scheduler, shown };
}

function kindsFor(shown: Notice[], keyId: string): string[] {
  return shown
    .filter((notice) => notice.keyId === keyId)
    .map((notice) => `${notice.kind}:${notice.id.split(':').at(-1)}`);
}

describe('rotation scheduler', () => {
  it('rotates at expiry with one timer, re-planned on changes', () => {
    const { lifecycle, integrations, clock, scheduler } = setup();
    const { integration, key } = integrations.createIntegration(
      { name: 'a', platform: 'web', rotationDays: 60, graceDays: 5 },
      actor,
    );
    scheduler.start();
    expect(clock.pendingTimers).toBe(1);
    expect(scheduler.nextAt).toBe((key.expiresAt ?? 0) - 30 * DAY_MS); // the first notice
    for (let i = 0; i < 50; i++) {
      integrations.createIntegration({ name: `more ${i}`, platform: 'web' }, actor);
      scheduler.plan();
    }
    expect(clock.pendingTimers).toBe(1);
    clock.advance(60 * DAY_MS);
    expect(lifecycle.activeKey(integration.id).id).not.toBe(key.id);
    expect(lifecycle.requireKey(key.id).status).toBe('grace');
    clock.advance(5 * DAY_MS);
    expect(lifecycle.requireKey(key.id).status).toBe('expired');
    expect(clock.pendingTimers).toBe(1);
  });

  it('two years of automatic rotations: every notice fires exactly once, in order', () => {
    const { lifecycle, integrations, clock, scheduler, shown, notices } = setup();
    const { integration, key: first } = integrations.createIntegration(
      { name: 'two years', platform: 'server', rotationDays: 90, graceDays: 10 },
      actor,
    );
    scheduler.start();
    clock.advance(730 * DAY_MS);
    const keys = lifecycle.listKeys(integration.id);
    expect(keys).toHaveLength(9); // the first + 8 rotations (days 90 … 720)
    expect(kindsFor(shown, first.id)).toEqual(
      ['expires-soon:30', 'expires-soon:7', 'expires-soon:1', 'grace-ending', 'expired'].map((kind) =>
        kind.includes(':') ? kind : `${kind}:${first.id}`,
      ),
    );
    // Every rotated-away key: 30/7/1-day notices, grace ending, expired — once each.
    for (const key of keys.filter((candidate) => candidate.status === 'expired')) {
      const ids = shown
        .filter((notice) => notice.keyId === key.id && notice.kind !== 'rotated')
        .map((notice) => notice.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(5);
    }
    expect(shown.filter((notice) => notice.kind === 'rotated')).toHaveLength(8);
    // Nothing fires twice even if catch-up runs again and again.
    scheduler.catchUp('resume');
    scheduler.catchUp('unlock');
    expect(notices.list({ includeSuperseded: true })).toHaveLength(shown.length);
  });

  it('after a 40-day sleep, catches up once: rotates, and shows only what still matters', () => {
    const { lifecycle, integrations, clock, scheduler, shown } = setup();
    const { integration, key: old } = integrations.createIntegration(
      { name: 'sleeper', platform: 'web', rotationDays: 50, graceDays: 30 },
      actor,
    );
    scheduler.start();
    clock.advance(15 * DAY_MS);
    expect(shown).toHaveLength(0);
    // The machine sleeps 40 days: no timers fire; it wakes on day 55.
    scheduler.stop();
    clock.advance(40 * DAY_MS);
    const result = scheduler.start('resume');
    expect(result.rotated).toBe(1);
    const oldKey = lifecycle.requireKey(old.id);
    expect(oldKey.status).toBe('grace'); // grace counted from the missed expiry (day 50) → ends day 80
    expect(oldKey.graceEndsAt).toBe(old.expiresAt! + 30 * DAY_MS);
    // The old key's expiry warnings are moot after the rotation; the rotation notice says what happened.
    expect(shown.map((notice) => notice.kind)).toEqual(['rotated']);
    // The rest of the story fires later, once each.
    clock.advance(30 * DAY_MS);
    expect(kindsFor(shown, old.id)).toEqual([`grace-ending:${old.id}`, `expired:${old.id}`]);
    expect(lifecycle.listKeys(integration.id)).toHaveLength(2);
  });

  it('a sleep across several thresholds shows only the most urgent notice', () => {
    const { integrations, clock, scheduler, shown, notices } = setup();
    const { key } = integrations.createIntegration(
      { name: 'urgent', platform: 'web', rotationDays: 100 },
      actor,
    );
    scheduler.start();
    scheduler.stop();
    clock.advance(95 * DAY_MS); // past the 30- and 7-day marks
    scheduler.start('resume');
    expect(kindsFor(shown, key.id)).toEqual(['expires-soon:7']);
    expect(notices.list({ includeSuperseded: true }).filter((notice) => notice.superseded)).toHaveLength(1);
    clock.advance(4 * DAY_MS);
    expect(kindsFor(shown, key.id)).toEqual(['expires-soon:7', 'expires-soon:1']);
  });

  it('honours the configurable lead and skips thresholds that were before the key existed', () => {
    const { integrations, clock, scheduler, shown } = setup(60);
    const { key } = integrations.createIntegration(
      { name: 'short', platform: 'web', rotationDays: 20 },
      actor,
    );
    scheduler.start();
    clock.advance(20 * DAY_MS - 1);
    expect(kindsFor(shown, key.id)).toEqual(['expires-soon:7', 'expires-soon:1']);
  });

  it('never-expiring keys plan no timer at all', () => {
    const { integrations, clock, scheduler } = setup();
    integrations.createIntegration(
      { name: 'forever', platform: 'web', neverExpire: true },
      { ...actor, confirmNeverExpire: true },
    );
    scheduler.start();
    expect(scheduler.nextAt).toBeNull();
    expect(clock.pendingTimers).toBe(0);
  });

  it('a rotation that keeps failing is a notice and is retried with backoff, not in a loop', () => {
    const { lifecycle, integrations, clock, scheduler, shown, db } = setup();
    const { integration, key: stuck } = integrations.createIntegration(
      { name: 'broken', platform: 'web', rotationDays: 1, graceDays: 0 },
      actor,
    );
    db.exec(
      `CREATE TRIGGER refuse_new_keys BEFORE INSERT ON api_keys BEGIN SELECT RAISE(ABORT, 'disk says no'); END;`,
    );
    scheduler.start();
    clock.advance(DAY_MS);
    expect(shown.filter((notice) => notice.kind === 'rotation-failed')).toHaveLength(1);
    expect(scheduler.nextAt).toBe(clock.now() + 60_000);
    clock.advance(60_000);
    expect(scheduler.nextAt).toBe(clock.now() + 120_000);
    clock.advance(DAY_MS); // many retries, still one notice per day, always one timer
    expect(clock.pendingTimers).toBe(1);
    expect(shown.filter((notice) => notice.kind === 'rotation-failed').length).toBeLessThanOrEqual(2);
    db.exec('DROP TRIGGER refuse_new_keys');
    clock.advance(3_600_000);
    expect(lifecycle.activeKey(integration.id).id).not.toBe(stuck.id);
    expect(lifecycle.invariantViolations()).toEqual([]);
  });
});
