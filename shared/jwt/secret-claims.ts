import { z } from 'zod';
import { looksLikeApiKey } from '../keys/key-format.ts';

/** What every Keyward vault's `iss` starts with; the vault's id follows. */
export const SECRET_ISSUER_PREFIX = 'urn:keyward:vault:';

/** A vault id: a lowercase UUID (`crypto.randomUUID()` at `init`). */
const VAULT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The `iss` claim of a vault's Secrets: `urn:keyward:vault:<vault id>`. */
export function secretIssuer(vaultId: string): string {
  return `${SECRET_ISSUER_PREFIX}${vaultId}`;
}

/** The vault id named by a Secret's `iss`, or null when it is not a Keyward vault issuer. */
export function vaultIdOfIssuer(iss: string): string | null {
  if (!iss.startsWith(SECRET_ISSUER_PREFIX)) {
    return null;
  }
  const id = iss.slice(SECRET_ISSUER_PREFIX.length);
  return VAULT_ID_PATTERN.test(id) ? id : null;
}

const uuid = z.string().regex(VAULT_ID_PATTERN, 'must be a lowercase UUID');
const seconds = z.number().int().min(0);

/** The protected header of a Secret: Ed25519, a JWT, and the signing key's id. */
export const secretHeaderSchema = z.object({
  alg: z.literal('EdDSA'),
  typ: z.literal('JWT'),
  kid: z.string().min(1).max(200),
});

/**
 * The claims of a Secret (docs/domain-rules.md, "Secrets"): a compact JWS the vault signs with Ed25519 over
 * `{iss, sub: integrationId, key_id, client_secret: <API key>, jti, iat, nbf, exp}`. Times are JWT
 * NumericDate seconds; `nbf = iat`, and `exp - iat` is the Secret's lifetime (1 h – 7 d). Valid
 * from `nbf` inclusive until `exp` exclusive. `client_secret` is key material: never log it.
 * Unknown claims are dropped (a newer vault may add some). Parse only after the signature verified.
 */
export const secretClaimsSchema = z
  .object({
    iss: z
      .string()
      .refine((iss) => vaultIdOfIssuer(iss) !== null, `iss must be ${SECRET_ISSUER_PREFIX}<vault id>`),
    sub: uuid,
    key_id: uuid,
    client_secret: z.string().refine(looksLikeApiKey, 'client_secret must be an API key'),
    jti: uuid,
    iat: seconds,
    nbf: seconds,
    exp: seconds,
  })
  .refine((claims) => claims.exp > claims.nbf, { message: 'exp must be after nbf', path: ['exp'] });

/** The parsed claims of a Secret: see {@link secretClaimsSchema}. */
export type SecretClaims = z.infer<typeof secretClaimsSchema>;
