// The offline decoder's report: what the engine's TokenDecoder answers, the CLI prints and the
// desktop's Decode screen shows (IPC carries it as a plain record). Types only; key material in it
// is always masked.
import type { KeyStatus } from '../domain/api-key.ts';
import type { Platform } from '../domain/integration.ts';
import type { KeyRefusalCode } from '../keys/acceptance.ts';
import type { TokenErrorCode, TokenSegment } from '../jwt/parse-token.ts';
import type { ApiKeyErrorCode } from '../keys/key-format.ts';
import type { ValidityState } from '../time/format-time.ts';

/** What kind of key an imported trusted key is. */
export type TrustedKeyType = 'RSA' | 'RSA-PSS' | 'EC' | 'OKP' | 'oct';

/** An imported key that verifies other issuers' tokens, as reports show it (never the key). */
export interface TrustedKeyInfo {
  /** Where it came from, e.g. the file name given to `--trust`. */
  label: string;
  /** The JWK's `kid`, or null (PEM keys and kid-less JWKs). */
  kid: string | null;
  type: TrustedKeyType;
  /** `P-256`, `Ed25519`, … for EC/OKP keys; null otherwise. */
  curve: string | null;
  /** The JWK's `alg`, when it pins one; null otherwise. */
  alg: string | null;
  /** RFC 7638 SHA-256 thumbprint of a public key; null for shared secrets (a hash of a secret is not shown). */
  thumbprint: string | null;
}

export type { TokenSegment };

/** An instant, as epoch ms and as text. */
export interface TimeValue {
  epochMs: number;
  /** `2025-11-23T12:44:11Z` or `2025-11-23T13:44:11+01:00`. */
  text: string;
  /** `in 23 h 59 m`, `2 d ago`. */
  relative: string;
}

/** How a signature fared. */
export type SignatureStatus =
  'verified-vault' | 'verified-imported' | 'invalid' | 'unverified' | 'unsupported-alg';

/** The signature part of a report. */
export interface SignatureReport {
  status: SignatureStatus;
  alg: string;
  kid: string | null;
  /** One line for people; `invalid` starts with `INVALID SIGNATURE`. */
  message: string;
  /** The key that verified it (or, for `invalid`, the key that should have). */
  key:
    { source: 'vault'; kid: string; published: boolean } | ({ source: 'imported' } & TrustedKeyInfo) | null;
}

/** Whether the vault took part in the decode. */
export type VaultCheck = { checked: true; vaultId: string | null } | { checked: false; reason: string };

/** A vault key found by its material. Never the material itself. */
export interface VaultKeyMatch {
  state: 'found';
  integration: {
    id: string;
    name: string;
    platform: Platform;
    enabled: boolean;
    /** CIDR entries; empty = any address. */
    ipAcl: string[];
  };
  key: {
    id: string;
    masked: string;
    /**
     * The status now (`keyStatusAt` in `keys/acceptance.ts`): a grace key past its end reads
     * `expired`, an active key past its expiry reads `grace`, even before the vault records it.
     */
    status: KeyStatus;
    /** The status as the vault last recorded it. */
    recordedStatus: KeyStatus;
    createdAt: TimeValue;
    expiresAt: TimeValue | null;
    /** When the grace ends: recorded, or `expiresAt + graceDays` for an active key past its expiry. */
    graceEndsAt: TimeValue | null;
  };
  /** Accepted right now by the acceptance rule (`keys/acceptance.ts`; no client IP here). */
  accepted: boolean;
  /** Why not, as a refusal code (each interface words it); null when accepted. */
  notAcceptedReason: KeyRefusalCode | null;
}

/** The outcome of looking a key up in the vault. */
export type KeyMatch = VaultKeyMatch | { state: 'not-in-vault' } | { state: 'not-checked'; reason: string };

/** A key (a raw pasted key, or a Secret's `client_secret`), masked. */
export interface KeyReport {
  /** First 8 characters and `…`. */
  masked: string;
  /** Prefix and checksum checked offline. */
  format:
    | { valid: true; prefix: string }
    | { valid: false; code: ApiKeyErrorCode | 'NOT_A_STRING'; message: string };
  match: KeyMatch;
}

/** The payload as shown (key material masked). */
export type PayloadView =
  | { format: 'claims'; claims: Record<string, unknown> }
  | { format: 'text'; text: string }
  | { format: 'binary'; byteLength: number; hexPreview: string };

/** The registered claims, typed; times as {@link TimeValue}. */
export interface RegisteredClaims {
  iss: string | null;
  sub: string | null;
  aud: string | string[] | null;
  jti: string | null;
  iat: TimeValue | null;
  nbf: TimeValue | null;
  exp: TimeValue | null;
}

/** Who issued a token, as far as the vault can tell. */
export type IssuerKind = 'this-vault' | 'keyward' | 'other' | 'none';

/** A decoded JWS/JWT. */
export interface DecodedJws {
  kind: 'jws';
  header: Record<string, unknown>;
  /** The header as pretty JSON. */
  headerText: string;
  payload: PayloadView;
  /** Pretty JSON of the claims, the text, or a line about binary data. */
  payloadText: string;
  registered: RegisteredClaims;
  /** Null when the payload is not a claims object. */
  validity: { state: ValidityState; text: string } | null;
  /** `this-vault`: `iss` is this vault's; `keyward`: another Keyward vault's; else `other`/`none`. */
  issuer: IssuerKind;
  signature: SignatureReport;
  /** The `client_secret` claim, when there is one. */
  clientSecret: KeyReport | null;
  vault: VaultCheck;
  warnings: string[];
}

/** A decoded raw API key. */
export interface DecodedApiKey {
  kind: 'api-key';
  key: KeyReport;
  vault: VaultCheck;
  warnings: string[];
}

/** What was decoded. */
export type DecodedToken = DecodedJws | DecodedApiKey;

/** Why nothing could be decoded: the parser's precise error (or, never expected, DECODE_FAILED). */
export interface DecodeError {
  code: TokenErrorCode | 'DECODE_FAILED';
  message: string;
  segment?: TokenSegment;
  position?: number;
}

/** The outcome of the engine's `TokenDecoder.decode`. Safe to show and to log: key material is masked. */
export type DecodeReport = { ok: true; value: DecodedToken } | { ok: false; error: DecodeError };
