import { createPublicKey, createSecretKey, X509Certificate } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { TrustedKeyInfo, TrustedKeyType } from '../../../shared/decoder/decode-report.ts';
import { KeywardError } from '../../../shared/errors.ts';

// What kind of key a trusted key is (`oct` = an HMAC shared secret), and how reports show one.
export type { TrustedKeyInfo, TrustedKeyType };

/** A trusted key with what verifying needs. */
export interface TrustedKey extends TrustedKeyInfo {
  key: KeyObject;
}

/** Options for {@link parseTrustedKeys}. */
export interface TrustedKeyImportOptions {
  /** Shown in reports as the key's origin (e.g. the file name). */
  label?: string;
  /** Accept `kty: "oct"` JWKs (HMAC shared secrets, HS256/384/512). Off unless asked for explicitly. */
  sharedSecrets?: boolean;
}

/** The most text an import reads (a JWKS of a few dozen keys is a few KiB). */
const MAX_IMPORT_CHARS = 1_048_576;
/** The most keys one import adds. */
const MAX_KEYS = 100;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const CURVES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp256k1: 'secp256k1',
};

function invalid(message: string): KeywardError {
  return new KeywardError('INVALID_INPUT', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeKeyObject(key: KeyObject): { type: TrustedKeyType; curve: string | null } | null {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { type: 'RSA', curve: null };
    case 'rsa-pss':
      return { type: 'RSA-PSS', curve: null };
    case 'ec': {
      const named = key.asymmetricKeyDetails?.namedCurve;
      return { type: 'EC', curve: named === undefined ? null : (CURVES[named] ?? named) };
    }
    case 'ed25519':
      return { type: 'OKP', curve: 'Ed25519' };
    default:
      return null;
  }
}

async function publicEntry(
  key: KeyObject,
  label: string,
  kid: string | null,
  alg: string | null,
  where: string,
): Promise<TrustedKey> {
  const described = describeKeyObject(key);
  if (described === null) {
    throw invalid(
      `${where}: a ${key.asymmetricKeyType ?? 'unknown'} key cannot verify JWS signatures here ` +
        '(RSA, RSA-PSS, EC P-256/P-384/P-521 and Ed25519 can)',
    );
  }
  const thumbprint = await calculateJwkThumbprint(key.export({ format: 'jwk' }), 'sha256');
  return { label, kid, alg, thumbprint, key, ...described };
}

function fromJwk(
  jwk: Record<string, unknown>,
  where: string,
  label: string,
  options: TrustedKeyImportOptions,
): Promise<TrustedKey> | null {
  const kid = typeof jwk.kid === 'string' ? jwk.kid : null;
  const alg = typeof jwk.alg === 'string' ? jwk.alg : null;
  if (jwk.use === 'enc') {
    return null; // an encryption key: nothing to verify with
  }
  if (jwk.kty === 'oct') {
    if (options.sharedSecrets !== true) {
      throw invalid(
        `${where} is a shared secret (kty "oct", for HS256/384/512); shared secrets are imported only ` +
          'when asked for explicitly (the shared-secret option, `--trust-secret` in the CLI)',
      );
    }
    if (typeof jwk.k !== 'string' || !/^[A-Za-z0-9_-]+$/.test(jwk.k)) {
      throw invalid(`${where}: a shared-secret JWK needs "k", the secret in base64url`);
    }
    const secret = Buffer.from(jwk.k, 'base64url');
    return Promise.resolve({
      label,
      kid,
      alg,
      thumbprint: null,
      type: 'oct',
      curve: null,
      key: createSecretKey(secret),
    });
  }
  if ('d' in jwk || 'p' in jwk || 'priv' in jwk) {
    throw invalid(
      `${where} is a private key; only public keys are needed to verify, so the private one is refused ` +
        '(keep it secret: share only the public JWKS, e.g. the output of `keyward jwks`)',
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    // Not swallowed: node's reason becomes the typed error below (it may quote key bytes, so it is not kept).
    const kty = typeof jwk.kty === 'string' ? `kty "${jwk.kty.slice(0, 16)}"` : 'no "kty"';
    throw invalid(`${where} (${kty}) is not a usable public key`);
  }
  return publicEntry(key, label, kid, alg, where);
}

async function fromJson(
  text: string,
  label: string,
  options: TrustedKeyImportOptions,
): Promise<TrustedKey[]> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not swallowed: the typed error below says what was expected (the parser's text may quote the input).
    throw invalid('the trusted keys are not valid JSON (expected a JWKS {"keys":[…]} or a single JWK)');
  }
  if (!isObject(value)) {
    throw invalid('the trusted keys must be a JSON object: a JWKS {"keys":[…]} or a single JWK');
  }
  const single = !Array.isArray(value.keys);
  if (single && typeof value.kty !== 'string') {
    throw invalid('the JSON is neither a JWKS (no "keys" array) nor a JWK (no "kty")');
  }
  const entries: unknown[] = single ? [value] : (value.keys as unknown[]);
  if (entries.length > MAX_KEYS) {
    throw invalid(`the key set has ${entries.length} keys; at most ${MAX_KEYS} can be imported at once`);
  }
  const keys: TrustedKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const where = single ? 'the JWK' : `key ${index + 1} of the JWKS`;
    if (!isObject(entry)) {
      throw invalid(`${where} is not a JSON object`);
    }
    const parsed = fromJwk(entry, where, label, options);
    if (parsed !== null) {
      keys.push(await parsed);
    }
  }
  return keys;
}

async function fromPem(text: string, label: string): Promise<TrustedKey[]> {
  const keys: TrustedKey[] = [];
  let index = 0;
  for (const match of text.matchAll(PEM_BLOCK)) {
    index += 1;
    const kind = match[1] ?? '';
    const where = `PEM block ${index} (${kind})`;
    if (index > MAX_KEYS) {
      throw invalid(`more than ${MAX_KEYS} PEM blocks; import fewer at once`);
    }
    if (kind.includes('PRIVATE KEY')) {
      throw invalid(
        `${where} is a private key; only the public key (or certificate) is needed to verify, so it is refused`,
      );
    }
    let key: KeyObject;
    try {
      if (kind === 'CERTIFICATE') {
        key = new X509Certificate(match[0]).publicKey;
      } else if (kind === 'PUBLIC KEY' || kind === 'RSA PUBLIC KEY') {
        key = createPublicKey({ key: match[0], format: 'pem' });
      } else {
        throw invalid(`${where} is not a public key or a certificate`);
      }
    } catch (error) {
      if (error instanceof KeywardError) {
        throw error;
      }
      throw invalid(`${where} could not be read (damaged or truncated?)`);
    }
    keys.push(await publicEntry(key, label, null, null, where));
  }
  if (index === 0) {
    throw invalid('no complete PEM block found (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)');
  }
  return keys;
}

/**
 * Reads keys a user trusts for verifying tokens from other issuers: a JWKS (`{"keys":[…]}`), a
 * single JWK, or PEM (SPKI `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY`, X.509 `CERTIFICATE`; several
 * blocks allowed). RSA, RSA-PSS, EC (P-256/384/521) and Ed25519 public keys; HMAC shared secrets
 * (`kty: "oct"`) only with `sharedSecrets`. Private keys are refused, encryption keys (`use: "enc"`)
 * skipped. Never reads a URL. Throws `INVALID_INPUT` with a message that never quotes key material.
 */
export async function parseTrustedKeys(
  text: string,
  options: TrustedKeyImportOptions = {},
): Promise<TrustedKey[]> {
  if (typeof text !== 'string' || text.trim() === '') {
    throw invalid('no trusted keys given: expected a JWKS, a JWK, or a PEM public key or certificate');
  }
  if (text.length > MAX_IMPORT_CHARS) {
    throw invalid('the trusted keys are over 1 MiB; a key set is normally a few KiB');
  }
  const label = options.label ?? 'imported keys';
  const trimmed = text.trim();
  const keys = trimmed.startsWith('{')
    ? await fromJson(trimmed, label, options)
    : trimmed.includes('-----BEGIN')
      ? await fromPem(trimmed, label)
      : null;
  if (keys === null) {
    throw invalid('expected a JWKS or a JWK (JSON), or a PEM public key or certificate (-----BEGIN …)');
  }
  if (keys.length === 0) {
    throw invalid('the key set has no signature keys (only encryption keys, or none)');
  }
  return keys;
}

/**
 * Makes an HMAC shared secret (for HS256/384/512) a trusted key. Only ever called on an explicit
 * request: a shared secret can also mint tokens, so it is never picked up implicitly.
 */
export function sharedSecretKey(
  secret: Uint8Array,
  options: { label?: string; kid?: string } = {},
): TrustedKey {
  if (!(secret instanceof Uint8Array) || secret.length === 0) {
    throw invalid('the shared secret is empty');
  }
  return {
    label: options.label ?? 'shared secret',
    kid: options.kid ?? null,
    alg: null,
    thumbprint: null,
    type: 'oct',
    curve: null,
    key: createSecretKey(secret),
  };
}

/** The public view of a trusted key (no key object). */
export function trustedKeyInfo(key: TrustedKey): TrustedKeyInfo {
  const { label, kid, type, curve, alg, thumbprint } = key;
  return { label, kid, type, curve, alg, thumbprint };
}

/** Whether `key` can verify a JWS with `alg` (key type, curve, and the JWK's own `alg` when pinned). */
export function keyFitsAlg(key: TrustedKeyInfo, alg: string): boolean {
  if (key.alg !== null && key.alg !== alg && !(isEdDsa(key.alg) && isEdDsa(alg))) {
    return false;
  }
  if (/^HS(256|384|512)$/.test(alg)) {
    return key.type === 'oct';
  }
  if (/^RS(256|384|512)$/.test(alg)) {
    return key.type === 'RSA';
  }
  if (/^PS(256|384|512)$/.test(alg)) {
    return key.type === 'RSA' || key.type === 'RSA-PSS';
  }
  const curve = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg];
  if (curve !== undefined) {
    return key.type === 'EC' && key.curve === curve;
  }
  return isEdDsa(alg) && key.type === 'OKP' && key.curve === 'Ed25519';
}

function isEdDsa(alg: string): boolean {
  return alg === 'EdDSA' || alg === 'Ed25519';
}

/** The JWS algorithms the decoder can verify. */
export const VERIFIABLE_ALGS: ReadonlySet<string> = new Set([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);
