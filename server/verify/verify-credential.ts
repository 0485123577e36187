import { verify as verifySignature } from 'node:crypto';
import { keyAcceptance, type RefusalCode } from '../../shared/keys/acceptance.ts';
import { parseApiKey } from '../../shared/keys/key-format.ts';
import { SETTING_LIMITS } from '../../shared/domain/settings.ts';
import { secretClaimsSchema, secretHeaderSchema } from '../../shared/jwt/secret-claims.ts';
import type { IndexedKey, KeyIndex } from './key-index.ts';
import { nodeLookupDigest } from './node-lookup-hash.ts';

/** The longest credential read (a Secret is well under 1 KiB; anything longer is malformed). */
export const MAX_CREDENTIAL_LENGTH = 8192;

/** How far a Secret's `nbf` may be ahead of the server's clock (clock skew between machines). */
export const NBF_LEEWAY_SECONDS = 60;

/** The longest a Secret a vault mints lives (`secretLifetimeHours` at most), in seconds. */
export const MAX_SECRET_LIFETIME_SECONDS = SETTING_LIMITS.secretLifetimeHours.max * 3600;

/** What a verification decided. */
export type VerifyOutcome =
  | {
      accepted: true;
      key: IndexedKey;
      status: 'active' | 'grace';
      graceEndsAt: number | null;
      credential: 'key' | 'secret';
    }
  | { accepted: false; code: RefusalCode; message: string; key: IndexedKey | null };

const refuse = (code: RefusalCode, message: string, key: IndexedKey | null = null): VerifyOutcome => ({
  accepted: false,
  code,
  message,
  key,
});

const MESSAGES: Record<string, string> = {
  KEY_UNKNOWN: 'the key is not known',
  KEY_EXPIRED: 'the key has expired',
  KEY_REVOKED: 'the key was revoked',
  API_DISABLED: 'API access is disabled for this integration',
  IP_NOT_ALLOWED: "the caller's IP address is not in the integration's allow list",
};

function decodeJson(segment: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) {
    return undefined;
  }
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Checks a raw API key: the index by lookup hash, then the shared rule. The shape and checksum
 * (`parseApiKey`, the costliest step of the hot path) are checked only when the hash is not in the
 * index — a text whose SHA-256 is a published lookup hash is the very key the vault issued, so
 * checking it again cannot change the answer — and decide `KEY_MALFORMED` against `KEY_UNKNOWN`.
 */
function verifyKey(
  index: KeyIndex,
  text: string,
  now: number,
  clientIp: string,
  credential: 'key' | 'secret',
): VerifyOutcome {
  const entry = index.lookupDigest(nodeLookupDigest(text)) ?? null;
  if (entry === null) {
    const parsed = parseApiKey(text);
    if (!parsed.ok) {
      return refuse('KEY_MALFORMED', `not a well-formed API key: ${parsed.error.message}`);
    }
  }
  if (entry !== null && credential === 'key' && entry.integration.facts.accepts === 'secret-only') {
    return refuse('SECRET_REQUIRED', 'this integration accepts only Secrets, not raw keys', entry);
  }
  const acceptance = keyAcceptance(entry, now, clientIp);
  if (!acceptance.accepted) {
    return refuse(acceptance.code, MESSAGES[acceptance.code] ?? acceptance.code, entry);
  }
  // Only reachable with an entry: keyAcceptance answers KEY_UNKNOWN for null.
  return {
    accepted: true,
    key: entry as IndexedKey,
    status: acceptance.status,
    graceEndsAt: acceptance.graceEndsAt,
    credential,
  };
}

/**
 * The `kid` of a Secret's header segment, or null when it is not a Keyward Secret header. Every
 * Secret signed by one vault key has the very same header segment, so the decoded `kid` is kept per
 * segment text (bounded): the header is decoded and validated once, not on every verification.
 */
const headerKids = new Map<string, string | null>();
function kidOfHeader(segment: string): string | null {
  let kid = headerKids.get(segment);
  if (kid === undefined) {
    const header = secretHeaderSchema.safeParse(decodeJson(segment));
    kid = header.success ? header.data.kid : null;
    if (headerKids.size >= 256) {
      headerKids.clear();
    }
    headerKids.set(segment, kid);
  }
  return kid;
}

/** Checks a Secret: EdDSA signature against the published keys, then `exp`/`nbf`, then the key inside. */
function verifySecret(index: KeyIndex, token: string, now: number, clientIp: string): VerifyOutcome {
  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  if (firstDot <= 0 || lastDot === firstDot || token.indexOf('.', firstDot + 1) !== lastDot) {
    return refuse('KEY_MALFORMED', 'not a well-formed API key or Secret');
  }
  const headerPart = token.slice(0, firstDot);
  const payloadPart = token.slice(firstDot + 1, lastDot);
  const signaturePart = token.slice(lastDot + 1);
  const kid = headerPart.length > 1024 ? null : kidOfHeader(headerPart);
  if (kid === null || !/^[A-Za-z0-9_-]{86}$/.test(signaturePart)) {
    return refuse('KEY_MALFORMED', 'not a well-formed Secret (an EdDSA JWT)');
  }
  const signingKey = index.signingKey(kid);
  if (signingKey === undefined) {
    return refuse('BAD_SIGNATURE', 'the Secret is signed with a key this server does not know');
  }
  const signed = Buffer.from(token.slice(0, lastDot), 'latin1');
  if (!verifySignature(null, signed, signingKey.publicKey, Buffer.from(signaturePart, 'base64url'))) {
    return refuse('BAD_SIGNATURE', "the Secret's signature does not verify");
  }
  const claims = secretClaimsSchema.safeParse(decodeJson(payloadPart));
  if (!claims.success) {
    return refuse('KEY_MALFORMED', 'the Secret is signed but its claims are not a Keyward Secret');
  }
  // Signed by a published key, yet not minted by a vault: a vault never mints a Secret that lives
  // longer than the longest lifetime, nor signs with a key after rotating away from it. Either is a
  // signing key used outside its vault (e.g. a leaked retired key) to stretch a Secret's life.
  if (claims.data.exp - claims.data.iat > MAX_SECRET_LIFETIME_SECONDS) {
    return refuse('BAD_SIGNATURE', 'the Secret lives longer than a vault ever mints one');
  }
  const retiredAt = signingKey.facts.retiredAt ?? null;
  if (retiredAt !== null && claims.data.iat > retiredAt / 1000 + NBF_LEEWAY_SECONDS) {
    return refuse('BAD_SIGNATURE', 'the Secret was signed after its signing key was retired');
  }
  const seconds = now / 1000;
  if (seconds >= claims.data.exp) {
    return refuse('SECRET_EXPIRED', 'the Secret has expired');
  }
  if (claims.data.nbf > seconds + NBF_LEEWAY_SECONDS) {
    return refuse('SECRET_EXPIRED', 'the Secret is not valid yet (nbf is in the future)');
  }
  const outcome = verifyKey(index, claims.data.client_secret, now, clientIp, 'secret');
  const key = outcome.key;
  if (key !== null && (key.keyId !== claims.data.key_id || key.integrationId !== claims.data.sub)) {
    return refuse('BAD_SIGNATURE', "the Secret's claims do not match the key inside it", key);
  }
  if (outcome.accepted && key !== null && key.integration.facts.accepts === 'key-only') {
    return refuse('KEY_MALFORMED', 'this integration accepts only raw API keys, not Secrets', key);
  }
  return outcome;
}

/**
 * Verifies a credential (an API key, or a Secret when it has JWS dots) against the index at `now`
 * for a caller at `clientIp`. The decision on the key is the shared `keyAcceptance` rule, nothing
 * else; this adds the credential checks around it. Never throws on any input.
 */
export function verifyCredential(
  index: KeyIndex,
  credential: string,
  now: number,
  clientIp: string,
): VerifyOutcome {
  if (credential.length === 0 || credential.length > MAX_CREDENTIAL_LENGTH) {
    return refuse('KEY_MALFORMED', 'not a well-formed API key or Secret');
  }
  return credential.includes('.')
    ? verifySecret(index, credential, now, clientIp)
    : verifyKey(index, credential, now, clientIp, 'key');
}
