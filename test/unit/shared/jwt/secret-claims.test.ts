import { describe, expect, it } from 'vitest';
import {
  SECRET_ISSUER_PREFIX,
  secretClaimsSchema,
  secretHeaderSchema,
  secretIssuer,
  vaultIdOfIssuer,
} from '../../../../shared/jwt/secret-claims.ts';
import { formatApiKey } from '../../../../shared/keys/key-format.ts';

const VAULT = 'a1b2c3d4-2222-4333-8444-555555555555';
const KEY = formatApiKey('kw_', new Uint8Array(32));
const claims = {
  iss: `urn:keyward:vault:${VAULT}`,
  sub: '22222222-3333-4444-8555-666666666666',
  key_id: '33333333-4444-4555-8666-777777777777',
  client_secret: KEY,
  jti: '44444444-5555-4666-8777-888888888888',
  iat: 1_767_258_000,
  nbf: 1_767_258_000,
  exp: 1_767_344_400,
};

describe('the Secret issuer format', () => {
  it('is urn:keyward:vault:<vault id>, and reads back', () => {
    expect(SECRET_ISSUER_PREFIX).toBe('urn:keyward:vault:');
    expect(secretIssuer(VAULT)).toBe(`urn:keyward:vault:${VAULT}`);
    expect(vaultIdOfIssuer(secretIssuer(VAULT))).toBe(VAULT);
    expect(vaultIdOfIssuer('https://issuer.example')).toBeNull();
    expect(vaultIdOfIssuer('urn:keyward:vault:')).toBeNull();
    expect(vaultIdOfIssuer(`urn:keyward:vault:${VAULT.toUpperCase()}`)).toBeNull();
  });
});

describe('the Secret claims schema', () => {
  it('accepts the claims a vault mints, dropping claims it does not know', () => {
    expect(secretClaimsSchema.parse({ ...claims, extra: 1 })).toEqual(claims);
    expect(secretHeaderSchema.parse({ alg: 'EdDSA', typ: 'JWT', kid: 'k1' })).toEqual({
      alg: 'EdDSA',
      typ: 'JWT',
      kid: 'k1',
    });
  });

  it('refuses each malformed claim, naming it, never quoting the key', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ iss: 'https://issuer.example' }, 'iss'],
      [{ sub: 'not-a-uuid' }, 'sub'],
      [{ key_id: undefined }, 'key_id'],
      [{ client_secret: 'kw_short' }, 'client_secret'],
      [{ client_secret: 42 }, 'client_secret'],
      [{ jti: '' }, 'jti'],
      [{ iat: 1.5 }, 'iat'],
      [{ nbf: -1 }, 'nbf'],
      [{ exp: claims.nbf }, 'exp'],
      [{ exp: '1767344400' }, 'exp'],
    ];
    for (const [patch, path] of bad) {
      const result = secretClaimsSchema.safeParse({ ...claims, ...patch });
      expect(result.success, path).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([path]);
      expect(JSON.stringify(result.error?.issues)).not.toContain(KEY.slice(8));
    }
    expect(secretHeaderSchema.safeParse({ alg: 'HS256', typ: 'JWT', kid: 'k1' }).success).toBe(false);
  });
});
