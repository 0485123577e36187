import { afterEach, describe, expect, it } from 'vitest';
import { activityEntrySchema, activityEntryViewSchema } from '../../../../shared/domain/activity.ts';
import { scheduleFileSchema } from '../../../../electron/vault/schedule/schedule-file.ts';
import {
  graceDaysSchema,
  KEY_STATUSES,
  keyStatusSchema,
  lifetimeDaysSchema,
  REVOKE_LIMITS,
  revokeOptionsSchema,
} from '../../../../shared/domain/api-key.ts';
import { INTEGRATION_LIMITS, PLATFORMS } from '../../../../shared/domain/integration.ts';
import { keyTableQuerySchema } from '../../../../shared/domain/key-table.ts';
import { NOTICE_KINDS, noticeKindSchema, noticeSchema } from '../../../../shared/domain/notice.ts';
import { KeywardError } from '../../../../shared/errors.ts';
import { contract } from '../../../../shared/ipc/contract.ts';
import { makeLifecycle } from '../../../support/lifecycle-fixture.ts';
import { createTestEngine } from '../../../support/temp-engine.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

/** The engine's refusal of `action`, as the user would read it. */
function refusal(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    if (error instanceof KeywardError) {
      return { code: error.code, message: error.message };
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('revoke: one schema for the contract, the engine and the interfaces', () => {
  it('the contract takes the domain schema itself, so its bounds cannot drift', () => {
    const input = contract['keys.revoke'].input.shape;
    expect(input.graceDays).toBe(revokeOptionsSchema.shape.graceDays);
    expect(input.newLifetimeDays).toBe(revokeOptionsSchema.shape.newLifetimeDays);
  });

  it('accepts exactly the documented bounds', () => {
    const { graceDays, lifetimeDays } = REVOKE_LIMITS;
    for (const days of [graceDays.min, graceDays.max]) {
      expect(graceDaysSchema.safeParse(days).success).toBe(true);
    }
    for (const days of [graceDays.min - 1, graceDays.max + 1, 1.5, Number.NaN]) {
      expect(graceDaysSchema.safeParse(days).success).toBe(false);
    }
    expect(lifetimeDaysSchema.safeParse(lifetimeDays.min).success).toBe(true);
    expect(lifetimeDaysSchema.safeParse(lifetimeDays.max).success).toBe(true);
    expect(lifetimeDaysSchema.safeParse(lifetimeDays.max + 1).success).toBe(false);
    expect(revokeOptionsSchema.safeParse({ graceDays: 7, newLifetimeDays: null }).success).toBe(true);
  });

  it('the engine refuses out-of-range revokes with the schema’s own message', async () => {
    const made = await createTestEngine({ password: 'domain schema test' });
    cleanups.push(made.cleanup);
    const { engine } = made;
    engine.createIntegration({ name: 'Billing', platform: 'server' });
    await engine.reauthenticate({ password: 'domain schema test' });
    const grace = graceDaysSchema.safeParse(31);
    const lifetime = lifetimeDaysSchema.safeParse(366);
    expect(refusal(() => engine.revoke('Billing', { graceDays: 31, newLifetimeDays: 30 }))).toEqual({
      code: 'INVALID_INPUT',
      message: `${grace.error?.issues[0]?.message}.`,
    });
    expect(refusal(() => engine.revoke('Billing', { graceDays: 3, newLifetimeDays: 366 }))).toEqual({
      code: 'INVALID_INPUT',
      message: `${lifetime.error?.issues[0]?.message}.`,
    });
    // The messages say the range, from the one place it is written.
    expect(grace.error?.issues[0]?.message).toContain(`${REVOKE_LIMITS.graceDays.max}`);
  });
});

describe('one list of notice kinds and key statuses', () => {
  it('the contract, the schedule file and the notice schema share the kinds', () => {
    expect(noticeKindSchema.options).toEqual([...NOTICE_KINDS]);
    expect(noticeSchema.shape.kind).toBe(noticeKindSchema);
    const entry = scheduleFileSchema.shape.upcoming.element;
    expect(entry.shape.kind).toBe(noticeKindSchema);
    expect(contract['notices.list'].output.element).toBe(noticeSchema);
    expect(keyStatusSchema.options).toEqual([...KEY_STATUSES]);
    expect(contract['keys.table'].input).toBe(keyTableQuerySchema);
    expect(contract['log.list'].output.element).toBe(activityEntryViewSchema);
    expect(Object.keys(activityEntryViewSchema.shape)).toEqual([
      ...Object.keys(activityEntrySchema.shape),
      'integrationName',
    ]);
  });

  it("the vault database's CHECK constraints allow exactly the domain's values", () => {
    const made = makeLifecycle();
    cleanups.push(made.cleanup);
    const sql = (
      made.db.prepare("SELECT group_concat(sql, ';') AS sql FROM sqlite_master").get() as {
        sql: string;
      }
    ).sql;
    const listIn = (column: string) =>
      [...(new RegExp(`${column} IN \\(([^)]*)\\)`).exec(sql)?.[1] ?? '').matchAll(/'([^']*)'/g)].map(
        (match) => match[1],
      );
    expect(listIn('kind')).toEqual([...NOTICE_KINDS]);
    expect(listIn('status')).toEqual([...KEY_STATUSES]);
    expect(listIn('platform')).toEqual([...PLATFORMS]);
    const { rotationDays, graceDays } = INTEGRATION_LIMITS;
    expect(sql).toContain(`rotation_days BETWEEN ${rotationDays.min} AND ${rotationDays.max}`);
    expect(sql).toContain(`grace_days BETWEEN ${graceDays.min} AND ${graceDays.max}`);
  });
});
