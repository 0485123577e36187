import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../support/checks.ts';
import { DAY_MS } from '../../../../electron/vault/keys/key-lifecycle.ts';
import { lifecyclesPerTest } from '../../../support/lifecycle-per-test.ts';

const actor = { actor: 'owner' };
const setup = lifecyclesPerTest();
function accepted(
  verification: ReturnType<typeof setup>['verification'],
  keyId: string,
  now?: number,
): boolean {
  return verification.masterList(now).some((entry) => entry.keyId === keyId);
}

describe('integrations', () => {
  it('creating one issues its first active key, with the default rotation and grace', () => {
    const { lifecycle, integrations, clock } = setup();
    const { integration, key } = integrations.createIntegration(
      { name: 'Billing API', platform: 'server' },
      actor,
    );
    expect(integration).toMatchObject({
      prefix: 'kw_',
      rotationDays: 365,
      graceDays: 30,
      enabled: true,
      neverExpire: false,
      ipAcl: [],
    });
    expect(key.status).toBe('active');
    expect(key.expiresAt).toBe(clock.now() + 365 * DAY_MS);
    expect(key.masked).toMatch(/^kw_.{5}…$/);
    expect(lifecycle.material(key.id)).toMatch(/^kw_[0-9A-Za-z]{49}$/);
  });

  it('names are unique regardless of case', () => {
    const { integrations } = setup();
    integrations.createIntegration({ name: 'Billing', platform: 'web' }, actor);
    expect(codeOf(() => integrations.createIntegration({ name: 'BILLING', platform: 'web' }, actor))).toBe(
      'INVALID_STATE',
    );
  });

  it('rejects each bad field with a message naming it', () => {
    const { integrations } = setup();
    const bad: [unknown, RegExp][] = [
      [{ name: '', platform: 'web' }, /name/],
      [{ name: 'x'.repeat(101), platform: 'web' }, /100/],
      [{ name: 'a', platform: 'fridge' }, /platform/],
      [{ name: 'a', platform: 'web', website: 'ftp://x' }, /http/],
      [{ name: 'a', platform: 'web', prefix: 'CB_' }, /prefix/],
      [{ name: 'a', platform: 'web', prefix: 'toolongpx_' }, /prefix/],
      [{ name: 'a', platform: 'web', rotationDays: 0 }, /rotationDays/],
      [{ name: 'a', platform: 'web', graceDays: 31 }, /graceDays/],
      [{ name: 'a', platform: 'web', ipAcl: ['10.0.0.1/8'] }, /ipAcl/],
      [{ name: 'a', platform: 'web', notes: 'n'.repeat(2001) }, /2000/],
      [{ name: 'a', platform: 'web', extra: 1 }, /extra|Unrecognized/i],
    ];
    for (const [input, message] of bad) {
      expect(() => integrations.createIntegration(input, actor)).toThrow(message);
    }
    expect(integrations.listIntegrations()).toHaveLength(0);
  });

  it('stores the IP ACL canonical', () => {
    const { integrations } = setup();
    const { integration } = integrations.createIntegration(
      { name: 'acl', platform: 'server', ipAcl: ['1.1.1.1', '2001:DB8::1', '10.0.0.0/8'] },
      actor,
    );
    expect(integration.ipAcl).toEqual(['1.1.1.1/32', '2001:db8::1/128', '10.0.0.0/8']);
  });

  it('editing changes details, never the key material', () => {
    const { lifecycle, integrations } = setup();
    const { integration, key } = integrations.createIntegration({ name: 'Edit me', platform: 'web' }, actor);
    const before = lifecycle.material(key.id);
    const edited = integrations.editIntegration(
      integration.id,
      { name: 'Edited', ipAcl: ['192.168.0.0/16'] },
      actor,
    );
    expect(edited).toMatchObject({ name: 'Edited', ipAcl: ['192.168.0.0/16'], prefix: 'kw_' });
    expect(lifecycle.material(lifecycle.activeKey('edited').id)).toBe(before);
  });

  it('never-expire needs a confirmation and then the key never rotates', () => {
    const { lifecycle, due, integrations, verification, clock } = setup();
    expect(
      codeOf(() =>
        integrations.createIntegration({ name: 'forever', platform: 'web', neverExpire: true }, actor),
      ),
    ).toBe('INVALID_INPUT');
    const { integration, key } = integrations.createIntegration(
      { name: 'forever', platform: 'web', neverExpire: true },
      {
        ...actor,
        confirmNeverExpire: true,
      },
    );
    expect(key.expiresAt).toBeNull();
    clock.advance(3 * 365 * DAY_MS);
    expect(due.runDue().rotated).toHaveLength(0);
    expect(accepted(verification, key.id)).toBe(true);
    expect(codeOf(() => integrations.setNeverExpire(integration.id, true, actor))).toBe('INVALID_INPUT');
    integrations.setNeverExpire(integration.id, false, actor);
    expect(lifecycle.activeKey(integration.id).expiresAt).toBe(clock.now() + 30 * DAY_MS);
  });

  it('a disabled integration keeps its keys but none of them are accepted', () => {
    const { lifecycle, integrations, verification } = setup();
    const { integration, key } = integrations.createIntegration({ name: 'off', platform: 'web' }, actor);
    const grace = lifecycle.rotate(integration.id, actor);
    integrations.setEnabled(integration.id, false, actor);
    expect(accepted(verification, key.id)).toBe(false);
    expect(accepted(verification, grace.id)).toBe(false);
    expect(verification.check(lifecycle.material(grace.id))).toMatchObject({
      accepted: false,
      code: 'API_DISABLED',
    });
    expect(lifecycle.listKeys(integration.id)).toHaveLength(2);
    integrations.setEnabled(integration.id, true, actor);
    expect(accepted(verification, grace.id)).toBe(true);
  });

  it('deleting an integration needs confirmation and ends all its keys at once', () => {
    const { lifecycle, integrations, verification } = setup();
    const { integration, key } = integrations.createIntegration({ name: 'gone', platform: 'web' }, actor);
    const material = lifecycle.material(key.id);
    expect(codeOf(() => integrations.deleteIntegration(integration.id, actor))).toBe('INVALID_INPUT');
    integrations.deleteIntegration(integration.id, { ...actor, confirmed: true });
    expect(verification.masterList()).toHaveLength(0);
    expect(verification.check(material)).toEqual({ accepted: false, code: 'KEY_UNKNOWN', key: null });
  });
});

describe('filter as you type', () => {
  it('matches name or prefix case-insensitively, or platform exactly; pages; sees changes at once', () => {
    const { integrations } = setup();
    integrations.createIntegration({ name: 'Billing API', platform: 'server', prefix: 'bill_' }, actor);
    integrations.createIntegration({ name: 'Mobile app', platform: 'mobile' }, actor);
    integrations.createIntegration({ name: 'Webhooks', platform: 'web', prefix: 'wh_' }, actor);
    expect(integrations.searchIntegrations('BILL').items.map((i) => i.name)).toEqual(['Billing API']);
    expect(integrations.searchIntegrations('wh_').items.map((i) => i.name)).toEqual(['Webhooks']);
    expect(integrations.searchIntegrations('mobile').items.map((i) => i.name)).toEqual(['Mobile app']);
    expect(integrations.searchIntegrations('').total).toBe(3);
    expect(integrations.searchIntegrations('', { offset: 1, limit: 1 })).toMatchObject({
      total: 3,
      offset: 1,
    });
    expect(integrations.searchIntegrations('', { offset: 1, limit: 1 }).items.map((i) => i.name)).toEqual([
      'Mobile app',
    ]);
    integrations.createIntegration({ name: 'Billing v2', platform: 'web' }, actor);
    expect(integrations.searchIntegrations('billing').total).toBe(2);
  });
});

describe('rotate, revoke, regenerate, delete', () => {
  it('rotate: the old key still verifies during grace and stops after it', () => {
    const { lifecycle, due, integrations, verification, clock } = setup();
    const { integration, key: old } = integrations.createIntegration(
      { name: 'svc', platform: 'server', graceDays: 10 },
      actor,
    );
    const fresh = lifecycle.rotate(integration.id, actor);
    const oldView = lifecycle.requireKey(old.id);
    expect(oldView).toMatchObject({
      status: 'grace',
      graceEndsAt: clock.now() + 10 * DAY_MS,
      replacedBy: fresh.id,
    });
    expect(accepted(verification, old.id)).toBe(true);
    expect(accepted(verification, fresh.id)).toBe(true);
    clock.advance(10 * DAY_MS - 1);
    expect(accepted(verification, old.id)).toBe(true);
    clock.advance(1);
    expect(accepted(verification, old.id)).toBe(false);
    due.runDue();
    expect(lifecycle.requireKey(old.id).status).toBe('expired');
  });

  it('revoke with grace 0 stops the old key at once and the new key gets the chosen lifetime', () => {
    const { lifecycle, integrations, verification, clock } = setup();
    const { integration, key: old } = integrations.createIntegration(
      { name: 'leaked', platform: 'web' },
      actor,
    );
    const fresh = lifecycle.revoke(integration.id, { graceDays: 0, newLifetimeDays: 90 }, actor);
    expect(lifecycle.requireKey(old.id).status).toBe('revoked');
    expect(accepted(verification, old.id)).toBe(false);
    expect(fresh.expiresAt).toBe(clock.now() + 90 * DAY_MS);
  });

  it('revoke with grace keeps both keys working until the grace ends', () => {
    const { lifecycle, integrations, verification, clock } = setup();
    const { integration, key: old } = integrations.createIntegration(
      { name: 'overlap', platform: 'web' },
      actor,
    );
    lifecycle.revoke(integration.id, { graceDays: 3, newLifetimeDays: 30 }, actor);
    clock.advance(2 * DAY_MS);
    expect(accepted(verification, old.id)).toBe(true);
    clock.advance(DAY_MS);
    expect(accepted(verification, old.id)).toBe(false);
  });

  it('revoke validates grace and lifetime, and a never-expiring new key needs confirmation', () => {
    const { lifecycle, integrations } = setup();
    const { integration } = integrations.createIntegration({ name: 'v', platform: 'web' }, actor);
    expect(
      codeOf(() => lifecycle.revoke(integration.id, { graceDays: 31, newLifetimeDays: 30 }, actor)),
    ).toBe('INVALID_INPUT');
    expect(
      codeOf(() => lifecycle.revoke(integration.id, { graceDays: 1, newLifetimeDays: 366 }, actor)),
    ).toBe('INVALID_INPUT');
    expect(
      codeOf(() => lifecycle.revoke(integration.id, { graceDays: 1, newLifetimeDays: null }, actor)),
    ).toBe('INVALID_INPUT');
    expect(lifecycle.listKeys(integration.id)).toHaveLength(1);
    const forever = lifecycle.revoke(
      integration.id,
      { graceDays: 1, newLifetimeDays: null },
      { ...actor, confirmNeverExpire: true },
    );
    expect(forever.expiresAt).toBeNull();
  });

  it('regenerate is revoke with grace 0', () => {
    const { lifecycle, integrations, log } = setup();
    const { integration, key: old } = integrations.createIntegration(
      { name: 'regen', platform: 'web' },
      actor,
    );
    lifecycle.regenerate(integration.id, actor);
    expect(lifecycle.requireKey(old.id).status).toBe('revoked');
    expect(log.list({ action: 'key.regenerate' })).toHaveLength(1);
  });

  it('delete refuses the active key and a key in grace, and removes expired or revoked ones', () => {
    const { lifecycle, integrations } = setup();
    const { integration, key: first } = integrations.createIntegration(
      { name: 'del', platform: 'web' },
      actor,
    );
    expect(codeOf(() => lifecycle.deleteKey(first.id, actor))).toBe('INVALID_STATE');
    lifecycle.rotate(integration.id, actor);
    expect(codeOf(() => lifecycle.deleteKey(first.id, actor))).toBe('INVALID_STATE');
    const second = lifecycle.activeKey(integration.id);
    lifecycle.regenerate(integration.id, actor);
    lifecycle.deleteKey(second.id, actor);
    expect(codeOf(() => lifecycle.requireKey(second.id))).toBe('NOT_FOUND');
  });

  it('exactly one active key per integration after every operation', () => {
    const { lifecycle, integrations, db } = setup();
    const { integration } = integrations.createIntegration({ name: 'inv', platform: 'web' }, actor);
    lifecycle.rotate(integration.id, actor);
    lifecycle.revoke(integration.id, { graceDays: 0, newLifetimeDays: 10 }, actor);
    lifecycle.regenerate(integration.id, actor);
    expect(lifecycle.invariantViolations()).toEqual([]);
    // The schema refuses a second active key even if code tried.
    const active = lifecycle.activeKey(integration.id);
    expect(() =>
      db
        .prepare(
          `INSERT INTO api_keys (id, integration_id, material, lookup_hash, masked, status, created_at)
           VALUES ('x', ?, 'm', 'h', 'kw_…', 'active', 0)`,
        )
        .run(active.integrationId),
    ).toThrow(/UNIQUE/);
  });
});

describe('time', () => {
  it('two years of automatic rotations, each old key in grace for its grace days', () => {
    const { lifecycle, due, integrations, verification, clock, log } = setup();
    const { integration } = integrations.createIntegration(
      { name: 'auto', platform: 'server', rotationDays: 90, graceDays: 7 },
      actor,
    );
    let rotations = 0;
    for (let day = 0; day < 730; day++) {
      clock.advance(DAY_MS);
      rotations += due.runDue().rotated.length;
      expect(
        verification.masterList().filter((entry) => entry.integrationId === integration.id).length,
      ).toBeGreaterThanOrEqual(1);
    }
    expect(rotations).toBe(8); // days 90, 180, … 720
    const keys = lifecycle.listKeys(integration.id);
    expect(keys.filter((key) => key.status === 'active')).toHaveLength(1);
    expect(keys.filter((key) => key.status === 'expired')).toHaveLength(8);
    expect(log.verify().ok).toBe(true);
  });

  it('what the rotation hook records commits or rolls back with the rotation itself', () => {
    const { lifecycle, due, integrations, clock } = setup();
    const { integration, key } = integrations.createIntegration(
      { name: 'hooked', platform: 'web', rotationDays: 1 },
      actor,
    );
    clock.advance(DAY_MS);
    const result = due.runDue(clock.now(), {
      onRotated: () => {
        throw new Error('crash while recording the notice');
      },
    });
    expect(result.rotated).toHaveLength(0);
    expect(result.failed).toHaveLength(1);
    expect(lifecycle.activeKey(integration.id).id).toBe(key.id); // rolled back together
    const seen: string[] = [];
    expect(
      due.runDue(clock.now(), { onRotated: (rotation) => seen.push(rotation.previous.id) }).rotated,
    ).toHaveLength(1);
    expect(seen).toEqual([key.id]);
  });

  it('after a 40-day sleep, catch-up rotates once and counts grace from the missed expiry', () => {
    const { lifecycle, due, integrations, verification, clock } = setup();
    const { integration, key: old } = integrations.createIntegration(
      { name: 'sleepy', platform: 'server', rotationDays: 30, graceDays: 30 },
      actor,
    );
    const expiry = old.expiresAt ?? 0;
    clock.advance(30 * DAY_MS + 40 * DAY_MS);
    expect(accepted(verification, old.id)).toBe(false); // expired while asleep
    const { rotated } = due.runDue();
    expect(rotated).toHaveLength(1);
    const oldAfter = lifecycle.requireKey(old.id);
    expect(oldAfter.status).toBe('expired'); // its 30-day grace from the missed expiry is over
    expect(oldAfter.graceEndsAt).toBeNull();
    expect(lifecycle.activeKey(integration.id).expiresAt).toBe(clock.now() + 30 * DAY_MS);
    expect(expiry).toBeLessThan(clock.now());
    expect(due.runDue().rotated).toHaveLength(0); // idempotent
  });
});

describe('key material in error messages', () => {
  it('a key pasted where an integration name belongs is not echoed back', () => {
    const { lifecycle, integrations } = setup();
    const { key } = integrations.createIntegration({ name: 'paste', platform: 'web' }, actor);
    const material = lifecycle.material(key.id);
    let message = '';
    try {
      integrations.requireIntegration(material);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/No integration named/);
    expect(message).not.toContain(material);
  });
});
