import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { SecretMinter } from '../../../../electron/vault/secrets/secret-minter.ts';
import { SigningKeys } from '../../../../electron/vault/secrets/signing-keys.ts';
import {
  secretClaimsSchema,
  secretHeaderSchema,
  vaultIdOfIssuer,
} from '../../../../shared/jwt/secret-claims.ts';
import { lifecyclesPerTest } from '../../../support/lifecycle-per-test.ts';

const newLifecycle = lifecyclesPerTest();

describe('a minted Secret matches the shared wire schema', () => {
  it('header and claims parse, and name the vault, the integration and its active key', async () => {
    const made = newLifecycle();
    const { db, clock, log, lifecycle, integrations } = made;
    const vaultId = '11111111-2222-4333-8444-555555555555';
    const minter = new SecretMinter({
      lifecycle,
      signingKeys: new SigningKeys(db, clock, log),
      clock,
      vaultId,
    });
    const { integration, key } = integrations.createIntegration(
      { name: 'Payments', platform: 'server' },
      { actor: 'o' },
    );
    const secret = await minter.mint(integration.id, 24);
    const header = secretHeaderSchema.parse(decodeProtectedHeader(secret.token));
    const claims = secretClaimsSchema.parse(decodeJwt(secret.token));
    expect(header.kid).toBe(secret.kid);
    expect(vaultIdOfIssuer(claims.iss)).toBe(vaultId);
    expect(claims).toMatchObject({ sub: integration.id, key_id: key.id, jti: secret.jti });
    expect(claims.client_secret).toBe(lifecycle.material(key.id));
    expect(claims.exp - claims.iat).toBe(24 * 3600);
  });
});
