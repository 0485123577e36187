import { verify as verifySignature } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { compactVerify, errors } from 'jose';
import { KeywardError } from '../../../shared/errors.ts';
import { SECRET_ISSUER_PREFIX, secretIssuer } from '../../../shared/jwt/secret-claims.ts';
import { compileKeyFacts, keyAcceptance, keyFactsOf, keyStatusAt } from '../../../shared/keys/acceptance.ts';
import type { ParsedJws } from '../../../shared/jwt/parse-token.ts';
import { parseToken } from '../../../shared/jwt/parse-token.ts';
import { maskKey, parseApiKey } from '../../../shared/keys/key-format.ts';
import { maskKeyShaped } from '../../../shared/keys/redact.ts';
import { describeValidity, formatRelative, formatTimestamp } from '../../../shared/time/format-time.ts';
import type { KeyVerification } from '../keys/key-verification.ts';
import type { SigningKeys } from '../secrets/signing-keys.ts';
import type { TrustedKey, TrustedKeyImportOptions, TrustedKeyInfo } from './trusted-keys.ts';
import {
  keyFitsAlg,
  parseTrustedKeys,
  sharedSecretKey,
  trustedKeyInfo,
  VERIFIABLE_ALGS,
} from './trusted-keys.ts';

/** What the decoder needs. Without `signingKeys` and `verification` (a locked vault) it still decodes. */
export interface TokenDecoderDependencies {
  clock: { now(): number };
  /** The vault's signing keys: Secrets whose `kid` is one of them are verified with it. */
  signingKeys?: Pick<SigningKeys, 'publicKey' | 'isPublished'>;
  /** The vault's keys: a `client_secret` or a pasted raw key is looked up here. */
  verification?: Pick<KeyVerification, 'findByMaterial'>;
  /** The vault's id, to recognise its own `iss`. */
  vaultId?: string;
  /** Why the vault is not available, when it is not (shown in the report). */
  vaultUnavailable?: string;
  /** Keys trusted from the start (more can be imported). */
  trusted?: readonly TrustedKey[];
  /** The UTC setting, read at each decode unless the call says otherwise. */
  utc?: () => boolean;
}

/** How one decode formats times. */
export interface DecodeOptions {
  /** Timestamps in UTC (`…Z`) instead of local time with offset. */
  utc?: boolean;
  /** IANA zone for local time (default: the system's). */
  timeZone?: string;
}

// The report's types live in shared/ (the CLI, the engine and the renderer read the same shape).
export type * from '../../../shared/decoder/decode-report.ts';
import type {
  TimeValue,
  SignatureStatus,
  SignatureReport,
  VaultCheck,
  KeyMatch,
  KeyReport,
  PayloadView,
  DecodedJws,
  DecodeReport,
} from '../../../shared/decoder/decode-report.ts';

/** Masks anything key-shaped (`shared/keys/redact.ts`: the one pattern, fragments of 40+ too). */
function maskText(text: string): string {
  return maskKeyShaped(text);
}

/** Masked text cut to `max` characters, for header values quoted in messages. */
function quoted(text: string, max = 40): string {
  const masked = maskText(text);
  return JSON.stringify(masked.length > max ? `${masked.slice(0, max)}…` : masked);
}

/** JSON text with key-shaped strings masked, or null when the value nests too deeply to print. */
function maskedJson(value: unknown, indent?: number): string | null {
  try {
    const text = JSON.stringify(value, null, indent) as string | undefined;
    return text === undefined ? null : maskText(text);
  } catch {
    return null; // RangeError: nesting deeper than JSON.stringify's stack allows
  }
}

/**
 * A JSON object with `client_secret` masked and key-shaped strings masked anywhere (names too).
 * Members that nest too deeply to print are replaced by a note, so the report always serialises.
 */
function maskObject(value: Record<string, unknown>): { object: Record<string, unknown>; truncated: boolean } {
  const top = Object.fromEntries(
    Object.entries(value).map(([name, member]) => [
      name,
      name === 'client_secret'
        ? maskKey(typeof member === 'string' ? member : (maskedJson(member) ?? ''))
        : member,
    ]),
  );
  const whole = maskedJson(top);
  if (whole !== null) {
    return { object: JSON.parse(whole) as Record<string, unknown>, truncated: false };
  }
  const shallow = Object.fromEntries(
    Object.entries(top).map(([name, member]) => {
      const text = maskedJson(member);
      return [maskText(name), text === null ? '[nested too deeply to show]' : (JSON.parse(text) as unknown)];
    }),
  );
  return { object: shallow, truncated: true };
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

type VerifyOutcome = { result: 'ok' } | { result: 'mismatch' } | { result: 'error'; reason: string };

/**
 * Ed25519 with a vault key: node's one-shot `crypto.verify` over the signing input the parser already
 * split out (synchronous, no WebCrypto round trip). RFC 8037: the signature is the raw 64 bytes.
 */
function verifyEd25519(parsed: ParsedJws, key: KeyObject): VerifyOutcome {
  try {
    const ok = verifySignature(null, Buffer.from(parsed.signingInput, 'ascii'), key, parsed.signature);
    return ok ? { result: 'ok' } : { result: 'mismatch' };
  } catch (error) {
    const reason = error instanceof Error ? maskText(error.message).slice(0, 200) : 'unknown error';
    return { result: 'error', reason };
  }
}

async function tryVerify(token: string, key: KeyObject, alg: string): Promise<VerifyOutcome> {
  try {
    await compactVerify(token, key, { algorithms: [alg] });
    return { result: 'ok' };
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return { result: 'mismatch' };
    }
    const reason = error instanceof Error ? maskText(error.message).slice(0, 200) : 'unknown error';
    return { result: 'error', reason };
  }
}

/**
 * The offline decoder (docs/domain-rules.md): any compact JWS/JWT or raw API key in, a report out —
 * header and payload, registered claims as times, validity, the signature (by a vault signing key,
 * current or retired; by an imported JWKS/PEM; or unverified), and the vault key behind a
 * `client_secret` or a pasted key. Bad input is the parser's precise typed error, never a throw.
 * Never touches the network: there is no remote JWKS, only keys held here. Key material never
 * appears in a report: `client_secret` and anything key-shaped are masked.
 */
export class TokenDecoder {
  private readonly deps: TokenDecoderDependencies;
  private trusted: TrustedKey[];

  constructor(deps: TokenDecoderDependencies) {
    this.deps = deps;
    this.trusted = [...(deps.trusted ?? [])];
  }

  /**
   * Adds keys to trust for other issuers' tokens: a JWKS, a JWK or PEM (see `parseTrustedKeys`);
   * HMAC shared secrets only with `sharedSecrets`. Kept in memory only. Throws `INVALID_INPUT`.
   */
  async importTrustedKeys(text: string, options: TrustedKeyImportOptions = {}): Promise<TrustedKeyInfo[]> {
    const keys = await parseTrustedKeys(text, options);
    this.addTrusted(keys);
    return keys.map(trustedKeyInfo);
  }

  /** Trusts an HMAC shared secret (raw bytes) for HS256/384/512 tokens. An explicit act only. */
  importSharedSecret(secret: Uint8Array, options: { label?: string; kid?: string } = {}): TrustedKeyInfo {
    const key = sharedSecretKey(secret, options);
    this.addTrusted([key]);
    return trustedKeyInfo(key);
  }

  /** The keys trusted so far (never the keys themselves). */
  trustedKeys(): TrustedKeyInfo[] {
    return this.trusted.map(trustedKeyInfo);
  }

  /** Forgets every imported key. */
  clearTrustedKeys(): void {
    this.trusted = [];
  }

  /**
   * Decodes pasted text. Never throws for bad input: every problem is a typed error. A `KeywardError`
   * from the engine (e.g. the vault locked mid-decode) propagates.
   */
  async decode(input: string, options: DecodeOptions = {}): Promise<DecodeReport> {
    const parsed = parseToken(input);
    if (!parsed.ok) {
      return { ok: false, error: parsed.error };
    }
    try {
      const now = this.deps.clock.now();
      const format = {
        utc: options.utc ?? this.deps.utc?.() ?? false,
        ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
      };
      const time = (ms: number): TimeValue => ({
        epochMs: ms,
        text: formatTimestamp(ms, format),
        relative: formatRelative(ms, now),
      });
      if (parsed.value.kind === 'api-key') {
        const key = this.keyReport(parsed.value.key, now, time);
        return { ok: true, value: { kind: 'api-key', key, vault: this.vaultCheck(), warnings: [] } };
      }
      return { ok: true, value: await this.decodeJws(parsed.value, now, time) };
    } catch (error) {
      if (error instanceof KeywardError) {
        throw error;
      }
      // Not expected for any input (the fuzz tests look for it); a safe answer rather than a crash.
      return { ok: false, error: { code: 'DECODE_FAILED', message: 'the token could not be decoded' } };
    }
  }

  private addTrusted(keys: readonly TrustedKey[]): void {
    for (const key of keys) {
      const same = this.trusted.some(
        (known) =>
          known.kid === key.kid &&
          (known.thumbprint === null ? known.key.equals(key.key) : known.thumbprint === key.thumbprint),
      );
      if (!same) {
        this.trusted.push(key);
      }
    }
  }

  private vaultCheck(): VaultCheck {
    if (this.deps.signingKeys !== undefined && this.deps.verification !== undefined) {
      return { checked: true, vaultId: this.deps.vaultId ?? null };
    }
    return { checked: false, reason: this.deps.vaultUnavailable ?? 'the vault is not open' };
  }

  private async decodeJws(
    parsed: ParsedJws,
    now: number,
    time: (ms: number) => TimeValue,
  ): Promise<DecodedJws> {
    const warnings = parsed.warnings.map(maskText);
    const header = maskObject(parsed.header);
    let payload: PayloadView;
    let payloadText: string;
    if (parsed.payload.format === 'claims') {
      const claims = maskObject(parsed.payload.claims);
      payload = { format: 'claims', claims: claims.object };
      payloadText = JSON.stringify(claims.object, null, 2);
      if (claims.truncated) {
        warnings.push('the payload nests too deeply to show in full');
      }
    } else if (parsed.payload.format === 'text') {
      payload = { format: 'text', text: maskText(parsed.payload.text) };
      payloadText = payload.text;
    } else {
      const { bytes } = parsed.payload;
      payload = { format: 'binary', byteLength: bytes.length, hexPreview: hex(bytes.subarray(0, 16)) };
      payloadText = `(${bytes.length} bytes of binary data, not UTF-8 text)`;
    }
    const { registered } = parsed;
    const masked = (value: string | undefined): string | null =>
      value === undefined ? null : maskText(value);
    const issuer = this.issuerOf(registered.iss);
    const signature = await this.checkSignature(parsed, issuer);
    const claims = parsed.payload.format === 'claims' ? parsed.payload.claims : null;
    const clientSecret =
      claims !== null && 'client_secret' in claims ? this.keyReport(claims.client_secret, now, time) : null;
    if (clientSecret?.match.state === 'found') {
      const { key, integration } = clientSecret.match;
      if (claims?.key_id !== undefined && claims.key_id !== key.id) {
        warnings.push('the "key_id" claim does not name the key in "client_secret"');
      }
      if (registered.sub !== undefined && registered.sub !== integration.id) {
        warnings.push('"sub" is not the id of the integration that owns "client_secret"');
      }
    }
    if (signature.status === 'verified-vault' && issuer !== 'this-vault') {
      warnings.push('signed by this vault\'s key, but "iss" does not name this vault');
    }
    return {
      kind: 'jws',
      header: header.object,
      headerText: JSON.stringify(header.object, null, 2),
      payload,
      payloadText,
      registered: {
        iss: masked(registered.iss),
        sub: masked(registered.sub),
        aud:
          registered.aud === undefined
            ? null
            : typeof registered.aud === 'string'
              ? maskText(registered.aud)
              : registered.aud.map(maskText),
        jti: masked(registered.jti),
        iat: registered.iat === undefined ? null : time(registered.iat),
        nbf: registered.nbf === undefined ? null : time(registered.nbf),
        exp: registered.exp === undefined ? null : time(registered.exp),
      },
      validity: claims === null ? null : describeValidity(registered.nbf, registered.exp, now),
      issuer,
      signature,
      clientSecret,
      vault: this.vaultCheck(),
      warnings,
    };
  }

  private issuerOf(iss: string | undefined): DecodedJws['issuer'] {
    if (iss === undefined) {
      return 'none';
    }
    if (this.deps.vaultId !== undefined && iss === secretIssuer(this.deps.vaultId)) {
      return 'this-vault';
    }
    return iss.startsWith(SECRET_ISSUER_PREFIX) ? 'keyward' : 'other';
  }

  private async checkSignature(parsed: ParsedJws, issuer: DecodedJws['issuer']): Promise<SignatureReport> {
    const { alg } = parsed.header;
    const kid = typeof parsed.header.kid === 'string' ? parsed.header.kid : null;
    const shownKid = kid === null ? null : maskText(kid);
    const report = (
      status: SignatureStatus,
      message: string,
      key: SignatureReport['key'] = null,
    ): SignatureReport => ({ status, alg: maskText(alg), kid: shownKid, message, key });
    if (alg === 'none') {
      return report(
        'unsupported-alg',
        'unsigned token (alg "none"): anyone could have written it, so nothing can be verified',
      );
    }
    if (!VERIFIABLE_ALGS.has(alg)) {
      return report(
        'unsupported-alg',
        `alg ${quoted(alg)} cannot be verified here (supported: HS*, RS*, PS*, ES256/384/512, EdDSA)`,
      );
    }
    const vaultKey = kid === null ? null : (this.deps.signingKeys?.publicKey(kid) ?? null);
    if (kid !== null && vaultKey !== null) {
      return this.checkVaultSignature(parsed, kid, vaultKey, report);
    }
    if (issuer === 'this-vault' && this.deps.signingKeys !== undefined) {
      // The vault keeps every signing key it ever had, so its own iss with another key is a forgery.
      return report(
        'invalid',
        'INVALID SIGNATURE: "iss" names this vault, but the token is not signed by any of its signing ' +
          'keys: it was forged; do not trust it',
      );
    }
    const imported = await this.checkImportedSignature(parsed, kid, report);
    if (imported !== null) {
      return imported;
    }
    const why: string[] = [];
    if (/^HS/.test(alg)) {
      why.push(
        `${alg} uses a shared secret, which is never used unless given explicitly (CLI: --trust-secret)`,
      );
    } else if (issuer === 'keyward') {
      why.push("a Secret from another Keyward vault: import that vault's JWKS (`keyward jwks`) to verify it");
    } else if (kid !== null) {
      why.push(`no vault or imported key has kid ${quoted(kid)}`);
    }
    const vault = this.vaultCheck();
    if (!vault.checked) {
      why.push(`vault signing keys not checked: ${vault.reason}`);
    }
    return report('unverified', `unverified: unknown issuer${why.length > 0 ? ` (${why.join('; ')})` : ''}`);
  }

  private async checkVaultSignature(
    parsed: ParsedJws,
    kid: string,
    key: KeyObject,
    report: (status: SignatureStatus, message: string, key?: SignatureReport['key']) => SignatureReport,
  ): Promise<SignatureReport> {
    const published = this.deps.signingKeys?.isPublished(kid) ?? false;
    const vaultKey = { source: 'vault' as const, kid, published };
    if (parsed.header.alg !== 'EdDSA') {
      return report(
        'invalid',
        `INVALID SIGNATURE: the kid names a vault signing key, but alg is ${quoted(parsed.header.alg)}, ` +
          'not EdDSA: this token was forged or altered; do not trust it',
        vaultKey,
      );
    }
    // The one-shot fast path knows no header extensions: a token with `crit` (or `b64`) goes to
    // jose, which rejects critical parameters it does not understand (RFC 7515 §4.1.11).
    const outcome =
      key.asymmetricKeyType === 'ed25519' &&
      parsed.signature.length === 64 &&
      !Object.hasOwn(parsed.header, 'crit') &&
      !Object.hasOwn(parsed.header, 'b64')
        ? verifyEd25519(parsed, key)
        : await tryVerify(parsed.token, key, 'EdDSA');
    if (outcome.result === 'ok') {
      return report(
        'verified-vault',
        published
          ? "verified: signed by this vault's signing key"
          : 'verified: signed by a retired signing key of this vault (no longer in the JWKS: all its Secrets have expired)',
        vaultKey,
      );
    }
    return report(
      'invalid',
      outcome.result === 'mismatch'
        ? "INVALID SIGNATURE: it names this vault's signing key but the signature does not match: " +
            'the token was altered or forged; do not trust it'
        : `INVALID SIGNATURE: it names this vault's signing key but cannot be verified (${outcome.reason})`,
      vaultKey,
    );
  }

  /**
   * Tries the imported keys. A kid that names an imported key must verify with it; a token without
   * a kid must verify with one of the imported keys of its algorithm, else it is `invalid`. A kid
   * that no imported key has tries only kid-less keys (PEM) and otherwise stays unverified. Null:
   * no imported key applies.
   */
  private async checkImportedSignature(
    parsed: ParsedJws,
    kid: string | null,
    report: (status: SignatureStatus, message: string, key?: SignatureReport['key']) => SignatureReport,
  ): Promise<SignatureReport | null> {
    const { alg } = parsed.header;
    const named = kid === null ? [] : this.trusted.filter((key) => key.kid === kid);
    const fitting = this.trusted.filter((key) => keyFitsAlg(key, alg));
    const namedFitting = named.filter((key) => keyFitsAlg(key, alg));
    if (named.length > 0 && namedFitting.length === 0) {
      const first = named[0];
      return report(
        'invalid',
        `INVALID SIGNATURE: the kid names an imported ${first?.type ?? ''} key that cannot make ${alg} ` +
          'signatures: this token was forged or altered; do not trust it',
        first === undefined ? null : { source: 'imported', ...trustedKeyInfo(first) },
      );
    }
    const strict = namedFitting.length > 0 || kid === null;
    const candidates =
      namedFitting.length > 0
        ? namedFitting
        : kid === null
          ? fitting
          : fitting.filter((key) => key.kid === null);
    let problem: string | null = null;
    for (const candidate of candidates) {
      const outcome = await tryVerify(parsed.token, candidate.key, alg);
      if (outcome.result === 'ok') {
        const from = candidate.kid === null ? '' : ` (kid ${quoted(candidate.kid)})`;
        return report(
          'verified-imported',
          `verified: signed by an imported key from ${candidate.label}${from}`,
          { source: 'imported', ...trustedKeyInfo(candidate) },
        );
      }
      if (outcome.result === 'error') {
        problem = outcome.reason;
      }
    }
    if (candidates.length === 0 || !strict) {
      return null;
    }
    const first = candidates[0];
    const which =
      candidates.length === 1 ? 'the imported key' : `any of the ${candidates.length} imported keys`;
    return report(
      'invalid',
      `INVALID SIGNATURE: it does not verify with ${which} for ${alg}: ` +
        `altered, or signed by a different key; do not trust it${problem === null ? '' : ` (${problem})`}`,
      first === undefined ? null : { source: 'imported', ...trustedKeyInfo(first) },
    );
  }

  /** The offline checks of a key and its vault match; the report holds only the masked key. */
  private keyReport(material: unknown, now: number, time: (ms: number) => TimeValue): KeyReport {
    if (typeof material !== 'string') {
      return {
        masked: maskKey(maskedJson(material) ?? ''),
        format: { valid: false, code: 'NOT_A_STRING', message: 'client_secret is not a string' },
        match: { state: 'not-in-vault' },
      };
    }
    const parsed = parseApiKey(material);
    const format: KeyReport['format'] = parsed.ok
      ? { valid: true, prefix: parsed.value.prefix }
      : { valid: false, code: parsed.error.code, message: parsed.error.message };
    return { masked: maskKey(material), format, match: this.matchKey(material, now, time) };
  }

  private matchKey(material: string, now: number, time: (ms: number) => TimeValue): KeyMatch {
    const { verification } = this.deps;
    if (verification === undefined) {
      return { state: 'not-checked', reason: this.deps.vaultUnavailable ?? 'the vault is not open' };
    }
    const found = verification.findByMaterial(material);
    if (found === null) {
      return { state: 'not-in-vault' };
    }
    const { key, integration } = found;
    // The one acceptance rule (shared/keys/acceptance.ts); no client IP here, so no ACL check.
    const facts = compileKeyFacts(keyFactsOf(key, integration));
    const verdict = keyAcceptance(facts, now);
    const standing = keyStatusAt(facts, now);
    return {
      state: 'found',
      integration: {
        id: integration.id,
        name: integration.name,
        platform: integration.platform,
        enabled: integration.enabled,
        ipAcl: [...integration.ipAcl],
      },
      key: {
        id: key.id,
        masked: key.masked,
        status: standing.status,
        recordedStatus: key.status,
        createdAt: time(key.createdAt),
        expiresAt: key.expiresAt === null ? null : time(key.expiresAt),
        graceEndsAt: standing.graceEndsAt === null ? null : time(standing.graceEndsAt),
      },
      accepted: verdict.accepted,
      notAcceptedReason: verdict.accepted ? null : verdict.code,
    };
  }
}
