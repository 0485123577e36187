import { afterEach, describe, expect, it } from 'vitest';
import { KeywardError } from '../../../shared/errors.ts';
import { DAY_MS } from '../../../shared/keys/acceptance.ts';
import { createTestEngine } from '../../support/temp-engine.ts';

const PASSWORD = 'test key password';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

async function setup(input: Record<string, unknown> = {}) {
  const made = await createTestEngine({ password: PASSWORD });
  cleanups.push(made.cleanup);
  const { integration, key } = made.engine.createIntegration({
    name: 'Payments',
    platform: 'server',
    graceDays: 2,
    ...input,
  });
  return { ...made, integration, key };
}

function lastTest(made: Awaited<ReturnType<typeof setup>>) {
  return made.engine.activity({ action: 'key.test', limit: 1 })[0];
}

describe('test key answers with the acceptance rule and a reason code', () => {
  it('an active key verifies and counts as used; after a rotation it still verifies during grace, then KEY_EXPIRED', async () => {
    const made = await setup();
    const { engine, key, integration, clock } = made;
    expect(await engine.testKey(key.id)).toEqual({
      accepted: true,
      reason: null,
      checkedAt: clock.now(),
      against: 'local',
    });
    expect(engine.key(key.id).lastUsedAt).toBe(clock.now());
    engine.rotate(integration.id);
    clock.advance(2 * DAY_MS - 1);
    expect(await engine.testKey(key.id)).toMatchObject({ accepted: true, reason: null });
    clock.advance(1);
    expect(await engine.testKey(key.id)).toMatchObject({ accepted: false, reason: 'KEY_EXPIRED' });
    expect(lastTest(made)).toMatchObject({ outcome: 'failure', details: { reason: 'KEY_EXPIRED' } });
  });

  it('disabled API access → API_DISABLED; revoked → KEY_REVOKED', async () => {
    const { engine, key, integration } = await setup();
    engine.setIntegrationEnabled(integration.id, false);
    expect(await engine.testKey(key.id)).toMatchObject({ accepted: false, reason: 'API_DISABLED' });
    engine.setIntegrationEnabled(integration.id, true);
    await engine.reauthenticate({ password: PASSWORD });
    engine.revoke(integration.id, { graceDays: 0, newLifetimeDays: 30 });
    expect(await engine.testKey(key.id)).toMatchObject({ accepted: false, reason: 'KEY_REVOKED' });
    // Not used: a refused test does not count as a use.
    expect(engine.key(key.id).lastUsedAt).toBeNull();
  });

  it('with a caller address, applies the IP allow list: outside → IP_NOT_ALLOWED', async () => {
    const made = await setup({ ipAcl: ['203.0.113.0/24', '2001:db8::/32'] });
    const { engine, key } = made;
    expect(await engine.testKey(key.id, { ip: '203.0.113.9' })).toMatchObject({
      accepted: true,
      reason: null,
    });
    expect(await engine.testKey(key.id, { ip: '2001:DB8::1' })).toMatchObject({ accepted: true });
    expect(await engine.testKey(key.id, { ip: '198.51.100.7' })).toMatchObject({
      accepted: false,
      reason: 'IP_NOT_ALLOWED',
    });
    expect(lastTest(made)).toMatchObject({ details: { ip: '198.51.100.7', reason: 'IP_NOT_ALLOWED' } });
    // Without an address the allow list is not applied (a local check does not know the caller).
    expect(await engine.testKey(key.id)).toMatchObject({ accepted: true });
  });

  it('a bad address is a typed INVALID_INPUT, before anything is tested or logged', async () => {
    const made = await setup();
    const before = made.engine.activity({ action: 'key.test' }).length;
    let caught: unknown;
    try {
      await made.engine.testKey(made.key.id, { ip: '10.0.0.300' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KeywardError);
    expect((caught as KeywardError).code).toBe('INVALID_INPUT');
    expect((caught as KeywardError).message).toMatch(/^ip: /);
    expect(made.engine.activity({ action: 'key.test' })).toHaveLength(before);
  });
});
