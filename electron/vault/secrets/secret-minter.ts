import { randomUUID, sign } from 'node:crypto';
import type { KeyLifecycle } from '../keys/key-lifecycle.ts';
import type { Clock } from '../clock.ts';
import type { SigningKeys } from './signing-keys.ts';
import { DEFAULT_SETTINGS, SETTING_LIMITS } from '../../../shared/domain/settings.ts';
import { secretIssuer } from '../../../shared/jwt/secret-claims.ts';

/** Secret lifetime bounds (docs/domain-rules.md: 24 h default, 1 h – 7 d). */
export const SECRET_LIFETIME_HOURS = {
  ...SETTING_LIMITS.secretLifetimeHours,
  default: DEFAULT_SETTINGS.secretLifetimeHours,
} as const;

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

/** base64url (unpadded) of a JSON value, as a compact JWS encodes its header and payload. */
function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Mints Secrets: compact JWS `{alg: EdDSA, typ: JWT, kid}` over
 * `{key_id, client_secret, iss, sub: integrationId, jti, iat, nbf, exp}`, wrapping the integration's
 * active key. Callers gate minting behind re-authentication where the Secret leaves the engine.
 *
 * The JWS is assembled here and signed with node's one-shot `crypto.sign(null, data, key)` (Ed25519
 * is deterministic, so the token is byte for byte what jose's `SignJWT` gives for the same key and
 * claims, in the same claim order; test/unit/vault/secret-minter.test.ts checks that). This skips
 * jose's WebCrypto round trip and claim validation, which made minting slower than a raw `SignJWT`
 * (docs/targets.md: minting ≥ 1.0 × raw `SignJWT`; `npm run bench:mint`). The signing KeyObject is the one
 * {@link SigningKeys} caches while the vault is unlocked (dropped by `SigningKeys.forget()`).
 */
export class SecretMinter {
  private readonly lifecycle: KeyLifecycle;
  private readonly signingKeys: SigningKeys;
  private readonly clock: Clock;
  private readonly issuer: string;
  /** The encoded protected header of the last kid used (it only changes when the signing key rotates). */
  private header: { kid: string; encoded: string } | null = null;

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
    if (this.header?.kid !== signing.kid) {
      this.header = { kid: signing.kid, encoded: encodeJson({ alg: 'EdDSA', typ: 'JWT', kid: signing.kid }) };
    }
    // Claim order as jose's SignJWT writes them (payload first, then the setters in call order).
    const payload = encodeJson({
      key_id: key.id,
      client_secret: material,
      iss: this.issuer,
      sub: key.integrationId,
      jti,
      iat: issuedAtSeconds,
      nbf: issuedAtSeconds,
      exp: expiresAtSeconds,
    });
    const signingInput = `${this.header.encoded}.${payload}`;
    const signature = sign(null, Buffer.from(signingInput, 'ascii'), signing.privateKey).toString(
      'base64url',
    );
    const token = `${signingInput}.${signature}`;
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
