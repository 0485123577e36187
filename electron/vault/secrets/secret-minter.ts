import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { KeyLifecycle } from '../keys/key-lifecycle.ts';
import type { Clock } from '../clock.ts';
import type { SigningKeys } from './signing-keys.ts';
import { secretIssuer } from '../../../shared/jwt/secret-claims.ts';

/** Secret lifetime bounds (SPEC.md: 24 h default, 1 h – 7 d). */
export const SECRET_LIFETIME_HOURS = { min: 1, max: 168, default: 24 } as const;

/** A freshly minted Secret. Its `token` contains the API key: handle as key material. */
export interface MintedSecret {
  token: string;
  integrationId: string;
  keyId: string;
  kid: string;
  jti: string;
  issuedAt: number;
  expiresAt: number;
}

// The issuer format is a wire fact: it lives in shared/ (the server reads it too).
export { secretIssuer } from '../../../shared/jwt/secret-claims.ts';

/**
 * Mints Secrets: compact JWS `{alg: EdDSA, typ: JWT, kid}` over
 * `{iss, sub: integrationId, key_id, client_secret, jti, iat, nbf, exp}`, wrapping the integration's
 * active key. Callers gate minting behind re-authentication where the Secret leaves the engine.
 */
export class SecretMinter {
  private readonly lifecycle: KeyLifecycle;
  private readonly signingKeys: SigningKeys;
  private readonly clock: Clock;
  private readonly issuer: string;

  constructor(deps: { lifecycle: KeyLifecycle; signingKeys: SigningKeys; clock: Clock; vaultId: string }) {
    this.lifecycle = deps.lifecycle;
    this.signingKeys = deps.signingKeys;
    this.clock = deps.clock;
    this.issuer = secretIssuer(deps.vaultId);
  }

  /** Mints a Secret for the integration's active key, valid for `lifetimeHours` from now. */
  async mint(
    integrationRef: string,
    lifetimeHours: number = SECRET_LIFETIME_HOURS.default,
  ): Promise<MintedSecret> {
    const hours = Math.min(
      Math.max(Math.trunc(lifetimeHours), SECRET_LIFETIME_HOURS.min),
      SECRET_LIFETIME_HOURS.max,
    );
    const { key, material } = this.lifecycle.activeKeyWithMaterial(integrationRef);
    const signing = await this.signingKeys.currentKey();
    const issuedAtSeconds = Math.floor(this.clock.now() / 1000);
    const expiresAtSeconds = issuedAtSeconds + hours * 3600;
    const jti = randomUUID();
    const token = await new SignJWT({ key_id: key.id, client_secret: material })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: signing.kid })
      .setIssuer(this.issuer)
      .setSubject(key.integrationId)
      .setJti(jti)
      .setIssuedAt(issuedAtSeconds)
      .setNotBefore(issuedAtSeconds)
      .setExpirationTime(expiresAtSeconds)
      .sign(signing.privateKey);
    this.signingKeys.noteSecretExpiry(signing.kid, expiresAtSeconds * 1000);
    return {
      token,
      integrationId: key.integrationId,
      keyId: key.id,
      kid: signing.kid,
      jti,
      issuedAt: issuedAtSeconds * 1000,
      expiresAt: expiresAtSeconds * 1000,
    };
  }
}
