import { SignJWT, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { SecretMinter, secretIssuer } from '../../../../electron/vault/secrets/secret-minter.ts';
import { SigningKeys } from '../../../../electron/vault/secrets/signing-keys.ts';
import { lifecyclesPerTest } from '../../../support/lifecycle-per-test.ts';

const VAULT_ID = '5b0f3c1e-8a4d-4f2b-9e7a-1c2d3e4f5a6b';
const newLifecycle = lifecyclesPerTest();

function setup() {
  const made = newLifecycle();
  const signingKeys = new SigningKeys(made.db, made.clock, made.log);
  const minter = new SecretMinter({
    lifecycle: made.lifecycle,
    signingKeys,
    clock: made.clock,
    vaultId: VAULT_ID,
  });
  const { integration } = made.integrations.createIntegration(
    { name: 'Billing — prod', platform: 'server' },
    { actor: 'owner@test' },
  );
  return { ...made, signingKeys, minter, integration };
}

describe('SecretMinter (one-shot Ed25519 signing)', () => {
  it('mints exactly the token jose SignJWT makes for the same key and claims', async () => {
    const { minter, integration, signingKeys, lifecycle } = setup();
    for (const hours of [1, 24, 168]) {
      const secret = await minter.mint(integration.id, hours);
      const signing = await signingKeys.currentKey();
      const { key, material } = lifecycle.activeKeyWithMaterial(integration.id);
      const iat = secret.issuedAt / 1000;
      const expected = await new SignJWT({ key_id: key.id, client_secret: material })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: signing.kid })
        .setIssuer(secretIssuer(VAULT_ID))
        .setSubject(integration.id)
        .setJti(secret.jti)
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(iat + hours * 3600)
        .sign(signing.privateKey);
      // Ed25519 signatures are deterministic: same key and bytes, same token.
      expect(secret.token).toBe(expected);
    }
  });

  it('mints Secrets that jose verifies with the published public key, after a signing-key rotation too', async () => {
    const { minter, integration, signingKeys, clock } = setup();
    const before = await minter.mint(integration.id, 2);
    await signingKeys.rotate({ actor: 'owner@test' });
    const after = await minter.mint(integration.id, 2);
    expect(after.kid).not.toBe(before.kid);
    const jwks = signingKeys.jwks();
    for (const secret of [before, after]) {
      const jwk = jwks.keys.find((entry) => entry.kid === secret.kid);
      expect(jwk).toBeDefined();
      const { payload, protectedHeader } = await jwtVerify(secret.token, await importJWK(jwk!, 'EdDSA'), {
        issuer: secretIssuer(VAULT_ID),
        algorithms: ['EdDSA'],
        currentDate: new Date(clock.now()),
      });
      expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: secret.kid });
      expect(payload.sub).toBe(integration.id);
      expect(payload.jti).toBe(secret.jti);
      expect(payload.exp).toBe(secret.expiresAt / 1000);
    }
  });

  it('forget() drops the cached signing KeyObject; the next Secret reads the key again', async () => {
    const { minter, integration, signingKeys } = setup();
    const cached = await signingKeys.currentKey();
    expect(await signingKeys.currentKey()).toBe(cached);
    signingKeys.forget();
    const reread = await signingKeys.currentKey();
    expect(reread).not.toBe(cached);
    expect(reread.kid).toBe(cached.kid);
    const secret = await minter.mint(integration.id);
    expect(secret.kid).toBe(cached.kid);
  });
});
