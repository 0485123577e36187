import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine } from '../../support/temp-engine.ts';
import { jwtVerify, createLocalJWKSet } from 'jose';
import { hotp, totpStep, base32Decode } from '../../../electron/vault/auth/totp.ts';
import { KeywardError } from '../../../shared/errors.ts';

const PASSWORD = 'engine test password';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

async function setup() {
  const made = await createTestEngine({ password: PASSWORD, autoLock: true });
  cleanups.push(made.cleanup);
  const { engine, clock, internals } = made;
  const { integration, key } = engine.createIntegration({ name: 'Payments', platform: 'server' });
  return { engine, clock, internals, integration, key };
}

async function code(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error instanceof KeywardError ? error.code : 'untyped';
  }
  return 'no error';
}

describe('re-authentication guards', () => {
  it('reveal, copy, revoke, regenerate, delete and never-expire need a fresh re-authentication', async () => {
    const { engine, integration, key } = await setup();
    expect(await code(() => engine.revealKey(key.id))).toBe('REAUTH_REQUIRED');
    expect(await code(engine.copySecret(integration.id, () => Promise.resolve()))).toBe('REAUTH_REQUIRED');
    expect(await code(engine.copyKey(key.id, () => Promise.resolve()))).toBe('REAUTH_REQUIRED');
    expect(await code(() => engine.revoke(integration.id, { graceDays: 1, newLifetimeDays: 30 }))).toBe(
      'REAUTH_REQUIRED',
    );
    expect(await code(() => engine.regenerate(integration.id))).toBe('REAUTH_REQUIRED');
    expect(await code(() => engine.deleteIntegration(integration.id, true))).toBe('REAUTH_REQUIRED');
    expect(await code(() => engine.setNeverExpire(integration.id, true, true))).toBe('REAUTH_REQUIRED');
    expect(engine.listKeys(integration.id)).toHaveLength(1);
    expect(engine.activity({ limit: 10 }).filter((entry) => entry.outcome === 'denied')).toHaveLength(7);
  });

  it('a copy is logged after the clipboard write, as a failure when the write failed', async () => {
    const { engine, key, integration, internals } = await setup();
    await engine.reauthenticate({ password: PASSWORD });
    let copied = '';
    await engine.copyKey(key.id, (text) => {
      copied = text;
      return Promise.resolve();
    });
    expect(copied).toBe(internals().lifecycle.material(key.id));
    expect(
      await code(engine.copySecret(integration.id, () => Promise.reject(new Error('no clipboard')))),
    ).toBe('untyped');
    const [failed, succeeded] = engine.activity({ limit: 2 });
    expect(failed).toMatchObject({ action: 'secret.copy', outcome: 'failure' });
    expect(succeeded).toMatchObject({ action: 'key.copy', outcome: 'success' });
    expect(JSON.stringify(internals().log.all())).not.toContain(copied);
  });

  it('a password re-authentication opens a 60 s window, then closes it', async () => {
    const { engine, clock, key } = await setup();
    await engine.reauthenticate({ password: PASSWORD });
    expect(engine.revealKey(key.id)).toMatch(/^kw_/);
    clock.advance(59_000);
    expect(engine.revealKey(key.id)).toMatch(/^kw_/);
    clock.advance(1_000);
    expect(await code(() => engine.revealKey(key.id))).toBe('REAUTH_REQUIRED');
  });

  it('a wrong password is refused and repeated failures back off', async () => {
    const { engine, clock } = await setup();
    for (let i = 0; i < 3; i++) {
      expect(await code(engine.reauthenticate({ password: 'nope nope' }))).toBe('WRONG_PASSWORD');
    }
    expect(await code(engine.reauthenticate({ password: PASSWORD }))).toBe('LOCKED_OUT');
    clock.advance(1000);
    await engine.reauthenticate({ password: PASSWORD });
  });

  it('a zero window allows exactly one guarded action per re-authentication', async () => {
    const { engine, key } = await setup();
    engine.updateSettings({ reauthWindowSeconds: 0 });
    await engine.reauthenticate({ password: PASSWORD });
    engine.revealKey(key.id);
    expect(await code(() => engine.revealKey(key.id))).toBe('REAUTH_REQUIRED');
  });

  it('TOTP: enrol with a confirming code, then re-authenticate with a code, each code once', async () => {
    const { engine, clock, key } = await setup();
    expect(await code(() => engine.beginTotpEnrollment())).toBe('REAUTH_REQUIRED');
    await engine.reauthenticate({ password: PASSWORD });
    const { secret, uri } = engine.beginTotpEnrollment();
    expect(uri).toMatch(/^otpauth:\/\/totp\/Keyward:vault-[0-9a-f]{8}\?secret=/);
    const bytes = base32Decode(secret)!;
    expect(await code(() => engine.confirmTotpEnrollment('000000'))).toBe('WRONG_PASSWORD');
    engine.confirmTotpEnrollment(hotp(bytes, totpStep(clock.now())));
    clock.advance(30_000);
    const next = hotp(bytes, totpStep(clock.now()));
    await engine.reauthenticate({ totp: next });
    expect(engine.revealKey(key.id)).toMatch(/^kw_/);
    expect(await code(engine.reauthenticate({ totp: next }))).toBe('WRONG_PASSWORD'); // replay
  });

  it('the authenticator guards log a refusal as denied, like every other guard', async () => {
    const { engine, clock, internals } = await setup();
    const denials = () =>
      internals()
        .log.all()
        .filter((entry) => entry.outcome === 'denied')
        .map((entry) => entry.action);
    expect(await code(() => engine.beginTotpEnrollment())).toBe('REAUTH_REQUIRED');
    expect(denials()).toEqual(['totp.enroll']);
    await engine.reauthenticate({ password: PASSWORD });
    const bytes = base32Decode(engine.beginTotpEnrollment().secret)!;
    engine.confirmTotpEnrollment(hotp(bytes, totpStep(clock.now())));
    // A re-authentication with an authenticator code, gone stale: disabling is refused and logged.
    clock.advance(30_000);
    await engine.reauthenticate({ totp: hotp(bytes, totpStep(clock.now())) });
    clock.advance(61_000);
    expect(await code(() => engine.disableTotp())).toBe('REAUTH_REQUIRED');
    expect(denials()).toEqual(['totp.enroll', 'totp.disable']);
    expect(engine.reauthStatus().totpEnrolled).toBe(true);
    await engine.reauthenticate({ totp: hotp(bytes, totpStep(clock.now())) });
    engine.disableTotp();
    expect(engine.reauthStatus().totpEnrolled).toBe(false);
    expect(denials()).toEqual(['totp.enroll', 'totp.disable']);
  });

  it('a one-shot password unlock can count as the re-authentication (CLI), a plain one does not', async () => {
    const { engine, key } = await setup();
    engine.lock();
    await engine.unlockWithPassword(PASSWORD);
    expect(await code(() => engine.revealKey(key.id))).toBe('REAUTH_REQUIRED');
    engine.lock();
    await engine.unlockWithPassword(PASSWORD, { countsAsReauth: true });
    expect(engine.revealKey(key.id)).toMatch(/^kw_/);
  });

  it('locking ends the re-authentication window', async () => {
    const { engine, key } = await setup();
    await engine.reauthenticate({ password: PASSWORD });
    engine.lock();
    await engine.unlockWithPassword(PASSWORD);
    expect(await code(() => engine.revealKey(key.id))).toBe('REAUTH_REQUIRED');
  });
});

describe('Secrets', () => {
  it('mints an EdDSA JWT that verifies against the exported JWKS and carries the active key', async () => {
    const { engine, integration, key, internals, clock } = await setup();
    expect(await code(engine.mintSecret(integration.id))).toBe('REAUTH_REQUIRED');
    await engine.reauthenticate({ password: PASSWORD });
    const minted = await engine.mintSecret(integration.id);
    const { payload, protectedHeader } = await jwtVerify(
      minted.token,
      createLocalJWKSet(await engine.jwks()),
      {
        currentDate: new Date(clock.now()),
      },
    );
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'JWT', kid: minted.kid });
    expect(payload).toMatchObject({
      sub: integration.id,
      key_id: key.id,
      client_secret: internals().lifecycle.material(key.id),
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(24 * 3600);
    expect(payload.nbf).toBe(payload.iat);
    expect(JSON.stringify(internals().log.all())).not.toContain(internals().lifecycle.material(key.id));
  });

  it('signing-key rotation keeps the old public key until its last Secret expired', async () => {
    const { engine, integration, internals, clock } = await setup();
    await engine.reauthenticate({ password: PASSWORD });
    engine.updateSettings({ autoLockMinutes: 0 }); // weaker: after re-auth
    const first = await engine.mintSecret(integration.id);
    await internals().signingKeys.rotate({ actor: 'owner@test' });
    const second = await engine.mintSecret(integration.id);
    expect(second.kid).not.toBe(first.kid);
    expect((await engine.jwks()).keys.map((jwk) => jwk.kid).sort()).toEqual([first.kid, second.kid].sort());
    clock.advance(24 * 3600_000);
    expect((await engine.jwks()).keys.map((jwk) => jwk.kid)).toEqual([second.kid]);
  });
});

describe('activity on unlock', () => {
  it('records failed attempts before a successful unlock', async () => {
    const { engine } = await setup();
    engine.lock();
    await code(engine.unlockWithPassword('wrong one'));
    await code(engine.unlockWithPassword('wrong two'));
    await engine.unlockWithPassword(PASSWORD);
    const [latest, before] = engine.activity({ limit: 2 });
    expect(latest).toMatchObject({ action: 'vault.unlock', outcome: 'success' });
    expect(before).toMatchObject({ action: 'vault.unlock-failed', details: { attempts: 2 } });
    expect(engine.verifyLog().ok).toBe(true);
  });
});

describe('forgetting this device', () => {
  it('after forgetDevice the remembered key no longer unlocks, and the forgetting is in the log', async () => {
    const { engine } = await setup();
    await engine.reauthenticate({ password: PASSWORD });
    await engine.remember();
    engine.lock();
    await engine.unlockWithKeychain(); // remembered: opens without the password
    expect(await engine.forgetDevice()).toBe(true);
    expect(engine.activity({ action: 'vault.forget' })).toMatchObject([
      { outcome: 'success', actor: 'owner@test', details: { forgotten: true } },
    ]);
    engine.lock();
    expect(await code(engine.unlockWithKeychain())).toBe('NOT_REMEMBERED');
    await engine.unlockWithPassword(PASSWORD);
    expect(engine.verifyLog().ok).toBe(true);
  });
});
