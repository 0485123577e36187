import { decodeBase64Url } from '../encoding/base64url.ts';
import { decodeUtf8Strict, utf8ByteLength } from '../encoding/utf8.ts';
import type { ApiKeyErrorCode, ApiKeyParts } from '../keys/key-format.ts';
import { parseApiKey } from '../keys/key-format.ts';
import { normalizeTokenInput } from './normalize-token.ts';
import type { RegisteredClaims } from './registered-claims.ts';
import { readRegisteredClaims } from './registered-claims.ts';

/** The largest token the decoder accepts: 16 KiB of UTF-8. */
export const MAX_TOKEN_BYTES = 16_384;
/** Pasted text longer than this (UTF-16 units) is refused before any other work. */
const MAX_INPUT_LENGTH = 1_048_576;

/** Every code {@link parseToken} can answer with. */
export type TokenErrorCode =
  | 'TOKEN_EMPTY'
  | 'TOKEN_TOO_LARGE'
  | 'TOKEN_UNSUPPORTED'
  | 'TOKEN_SEGMENT_COUNT'
  | 'TOKEN_NOT_BASE64URL'
  | 'TOKEN_NOT_JSON'
  | 'TOKEN_HEADER_INVALID'
  | 'TOKEN_PAYLOAD_NOT_OBJECT'
  | ApiKeyErrorCode;

/** A part of a compact JWS. */
export type TokenSegment = 'header' | 'payload' | 'signature';

/** Why pasted text could not be decoded. The message is safe to show and never quotes the token. */
export interface TokenError {
  code: TokenErrorCode;
  message: string;
  /** The segment at fault, when one is. */
  segment?: TokenSegment;
  /** 1-based position of the offending character inside that segment (or inside an API key). */
  position?: number;
}

/** A JOSE header: a JSON object with at least a string `alg`. */
export interface JwsHeader {
  alg: string;
  [parameter: string]: unknown;
}

/**
 * A JWS payload as found. `claims`: a JSON object (every JWT). `text`: UTF-8 that is not a JSON
 * object (plain text, a nested JWT, a JSON array…). `binary`: bytes that are not UTF-8.
 */
export type JwsPayload =
  | { format: 'claims'; claims: Record<string, unknown>; bytes: Uint8Array }
  | { format: 'text'; text: string; bytes: Uint8Array }
  | { format: 'binary'; bytes: Uint8Array };

/** A decoded compact JWS (signature not verified). */
export interface ParsedJws {
  kind: 'jws';
  /** The token after clean-up (no `Bearer`, no whitespace). */
  token: string;
  header: JwsHeader;
  payload: JwsPayload;
  /** `header.payload` exactly as in the token: the bytes the signature covers. */
  signingInput: string;
  signature: Uint8Array;
  /** Well-typed registered claims (times in epoch ms); empty unless the payload is `claims`. */
  registered: RegisteredClaims;
  /** Things worth knowing that did not stop the decode (malformed claims, empty signature…). */
  warnings: string[];
}

/** A raw API key with a valid prefix, length and checksum. */
export interface ParsedApiKey extends ApiKeyParts {
  kind: 'api-key';
}

/** What {@link parseToken} recognised. */
export type ParsedToken = ParsedJws | ParsedApiKey;

/** The outcome of {@link parseToken}. */
export type TokenParseResult = { ok: true; value: ParsedToken } | { ok: false; error: TokenError };

type Failure = { ok: false; error: TokenError };

function failure(
  code: TokenErrorCode,
  message: string,
  extra: { segment?: TokenSegment; position?: number } = {},
): Failure {
  return { ok: false, error: { code, message, ...extra } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (value === null) {
    return 'null';
  }
  return typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : 'a boolean';
}

/**
 * Explains a JSON.parse failure using only the position the engine reports, never the text it
 * quotes (the payload may hold a secret). An error at the very end means the JSON was cut short.
 */
function jsonProblem(error: unknown, segment: TokenSegment, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const match = /at position (\d+)/.exec(message)?.[1];
  const position = match === undefined ? undefined : Number(match);
  if (/unexpected end/i.test(message) || (position !== undefined && position >= text.length)) {
    return ' (it ends too early: is the token cut off?)';
  }
  return position === undefined ? '' : ` (error at character ${position + 1} of the decoded ${segment})`;
}

/** `typ` says JWT: `JWT`, `application/jwt`, or a `+jwt` type such as `at+jwt`. */
function declaresJwt(header: JwsHeader): boolean {
  return typeof header.typ === 'string' && /^(?:application\/)?(?:[^/]*\+)?jwt$/i.test(header.typ);
}

/** `cty` says the payload is itself a JWT (a nested token). */
function nestsJwt(header: JwsHeader): boolean {
  return typeof header.cty === 'string' && /^(?:application\/)?jwt$/i.test(header.cty);
}

function decodeSegment(text: string, segment: TokenSegment): { ok: true; value: Uint8Array } | Failure {
  const decoded = decodeBase64Url(text);
  if (decoded.ok) {
    return decoded;
  }
  const extra =
    decoded.error.position === undefined ? { segment } : { segment, position: decoded.error.position };
  return failure('TOKEN_NOT_BASE64URL', `the ${segment} is not base64url: ${decoded.error.message}`, extra);
}

function parseHeader(segment: string): { ok: true; value: JwsHeader } | Failure {
  if (segment === '') {
    return failure('TOKEN_NOT_JSON', 'the header is empty', { segment: 'header' });
  }
  const bytes = decodeSegment(segment, 'header');
  if (!bytes.ok) {
    return bytes;
  }
  const text = decodeUtf8Strict(bytes.value);
  if (text === null) {
    return failure('TOKEN_NOT_JSON', 'the header is not UTF-8 text, so it cannot be JSON', {
      segment: 'header',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return failure('TOKEN_NOT_JSON', `the header is not valid JSON${jsonProblem(error, 'header', text)}`, {
      segment: 'header',
    });
  }
  if (!isObject(value)) {
    return failure('TOKEN_HEADER_INVALID', `the header must be a JSON object, got ${jsonKind(value)}`, {
      segment: 'header',
    });
  }
  if (typeof value.alg !== 'string' || value.alg === '') {
    const got =
      value.alg === undefined
        ? 'it has none'
        : value.alg === ''
          ? 'it is empty'
          : `got ${jsonKind(value.alg)}`;
    return failure('TOKEN_HEADER_INVALID', `the header needs an "alg" string parameter; ${got}`, {
      segment: 'header',
    });
  }
  return { ok: true, value: value as JwsHeader };
}

/**
 * Decides what the payload is. A payload must be a JSON object when the header declares a JWT
 * (`typ`) or when it plainly tries to be JSON (starts with `{` or `[`); anything else a JWS may
 * carry (RFC 7515 allows any bytes, e.g. RFC 8037's text example) is reported as text or bytes.
 */
function classifyPayload(bytes: Uint8Array, header: JwsHeader): { ok: true; value: JwsPayload } | Failure {
  const strict = declaresJwt(header) && !nestsJwt(header);
  const why = strict ? `, but the header says typ ${JSON.stringify(header.typ)}` : '';
  const text = decodeUtf8Strict(bytes);
  if (text === null) {
    return strict
      ? failure('TOKEN_NOT_JSON', `the payload is not UTF-8 text, so it cannot be JSON${why}`, {
          segment: 'payload',
        })
      : { ok: true, value: { format: 'binary', bytes } };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const triesJson = /^\s*[{[]/.test(text);
    if (strict || triesJson) {
      const problem = jsonProblem(error, 'payload', text);
      return failure('TOKEN_NOT_JSON', `the payload is not valid JSON${problem}${why}`, {
        segment: 'payload',
      });
    }
    return { ok: true, value: { format: 'text', text, bytes } };
  }
  if (isObject(value)) {
    return { ok: true, value: { format: 'claims', claims: value, bytes } };
  }
  if (strict) {
    return failure(
      'TOKEN_PAYLOAD_NOT_OBJECT',
      `the payload must be a JSON object of claims, got ${jsonKind(value)}${why}`,
      { segment: 'payload' },
    );
  }
  return { ok: true, value: { format: 'text', text, bytes } };
}

function describeJwe(headerSegment: string): string {
  const bytes = decodeBase64Url(headerSegment);
  const text = bytes.ok ? decodeUtf8Strict(bytes.value) : null;
  let header: unknown = null;
  try {
    header = text === null ? null : JSON.parse(text);
  } catch {
    // An unreadable JWE header only means no algorithm names in the description.
    header = null;
  }
  if (!isObject(header)) {
    return '';
  }
  const shown = ['alg', 'enc']
    .map((name) => [name, header[name]] as const)
    .filter(
      (entry): entry is readonly [string, string] =>
        typeof entry[1] === 'string' && /^[\w.+-]{1,32}$/.test(entry[1]),
    )
    .map(([name, value]) => `${name} ${value}`);
  return shown.length > 0 ? ` (${shown.join(', ')})` : '';
}

function parseNoDots(token: string): TokenParseResult {
  if (!/^[A-Za-z0-9]{1,7}_/.test(token)) {
    return failure(
      'TOKEN_SEGMENT_COUNT',
      'expected 3 dot-separated segments (header.payload.signature), got 1; ' +
        'nor is it an API key, which starts with a prefix such as "kw_"',
    );
  }
  const key = parseApiKey(token);
  if (!key.ok) {
    const { code, message, position } = key.error;
    return failure(code, message, position === undefined ? {} : { position });
  }
  return { ok: true, value: { kind: 'api-key', ...key.value } };
}

function parseJws(token: string, segments: readonly [string, string, string]): TokenParseResult {
  const [headerSegment, payloadSegment, signatureSegment] = segments;
  const header = parseHeader(headerSegment);
  if (!header.ok) {
    return header;
  }
  const warnings: string[] = [];
  let payloadBytes: Uint8Array;
  if (header.value.b64 === false) {
    // RFC 7797: the payload segment is the payload itself, not base64url.
    payloadBytes = new TextEncoder().encode(payloadSegment);
    const crit = header.value.crit;
    if (!Array.isArray(crit) || !crit.includes('b64')) {
      warnings.push('the header sets "b64": false without listing "b64" in "crit" (RFC 7797 §6)');
    }
  } else {
    const decoded = decodeSegment(payloadSegment, 'payload');
    if (!decoded.ok) {
      return decoded;
    }
    payloadBytes = decoded.value;
  }
  const payload = classifyPayload(payloadBytes, header.value);
  if (!payload.ok) {
    return payload;
  }
  const signature = decodeSegment(signatureSegment, 'signature');
  if (!signature.ok) {
    return signature;
  }
  if (payloadSegment === '') {
    warnings.push('the payload is empty (detached content, RFC 7515 Appendix F?)');
  }
  if (nestsJwt(header.value)) {
    warnings.push('the payload is a nested JWT (cty "JWT"); decode it separately');
  }
  const unsecured = header.value.alg === 'none';
  if (signature.value.length === 0 && !unsecured) {
    warnings.push(`the signature is empty, although alg is ${JSON.stringify(header.value.alg)}`);
  } else if (signature.value.length > 0 && unsecured) {
    warnings.push('alg is "none" (an unsecured JWS), yet a signature is present');
  }
  let registered: RegisteredClaims = {};
  if (payload.value.format === 'claims') {
    const reading = readRegisteredClaims(payload.value.claims);
    registered = reading.registered;
    warnings.push(...reading.warnings);
  }
  return {
    ok: true,
    value: {
      kind: 'jws',
      token,
      header: header.value,
      payload: payload.value,
      signingInput: `${headerSegment}.${payloadSegment}`,
      signature: signature.value,
      registered,
      warnings,
    },
  };
}

/**
 * Decodes anything a user pastes into the offline decoder, without verifying a signature: a compact
 * JWS/JWT (header, payload, signing input, signature bytes, registered claims) or a raw API key
 * (prefix and checksum checked). Input is cleaned first (see `normalizeTokenInput`). Never throws:
 * every problem — empty, over 16 KiB, JWE, wrong segment count, not base64url (segment and
 * position), not JSON, bad header, payload not a claims object, bad key — is a typed error.
 */
export function parseToken(input: string): TokenParseResult {
  if (typeof input !== 'string') {
    return failure('TOKEN_EMPTY', 'nothing to decode: expected text');
  }
  if (input.length > MAX_INPUT_LENGTH) {
    return failure(
      'TOKEN_TOO_LARGE',
      `the text is over 1 MiB; a token may be at most ${MAX_TOKEN_BYTES} bytes (16 KiB)`,
    );
  }
  const { token, removedScheme } = normalizeTokenInput(input);
  if (token === '') {
    return failure(
      'TOKEN_EMPTY',
      removedScheme === null
        ? 'nothing to decode: paste a token (header.payload.signature) or an API key'
        : `nothing to decode after "${removedScheme}"`,
    );
  }
  const size = utf8ByteLength(token);
  if (size > MAX_TOKEN_BYTES) {
    return failure(
      'TOKEN_TOO_LARGE',
      `the token is ${size} bytes; the limit is ${MAX_TOKEN_BYTES} bytes (16 KiB)`,
    );
  }
  if (token.startsWith('{')) {
    return failure(
      'TOKEN_UNSUPPORTED',
      'this looks like a JSON-serialized JWS or JWE; paste the compact form (header.payload.signature)',
    );
  }
  if (!token.includes('.')) {
    return parseNoDots(token);
  }
  const segments = token.split('.');
  if (segments.length === 5) {
    return failure(
      'TOKEN_UNSUPPORTED',
      `encrypted JWE tokens cannot be decoded offline without the key${describeJwe(segments[0] ?? '')}`,
    );
  }
  const [header, payload, signature] = segments;
  if (segments.length !== 3 || header === undefined || payload === undefined || signature === undefined) {
    const hint =
      segments.length === 2
        ? ': is the signature missing, or the token cut off?'
        : segments.length === 4
          ? ': is there a stray "."?'
          : '';
    return failure('TOKEN_SEGMENT_COUNT', `expected 3 dot-separated segments, got ${segments.length}${hint}`);
  }
  return parseJws(token, [header, payload, signature]);
}
