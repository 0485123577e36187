import { PREFIX_PATTERN } from './key-prefix.ts';
import { describeChar } from '../encoding/describe-char.ts';
import { KeywardError } from '../errors.ts';
import { base62DigitValue, bytesToBigInt, decodeBase62, encodeBase62 } from './base62.ts';
import { crc32 } from './crc32.ts';

/** Random bytes in every API key. */
export const API_KEY_RANDOM_BYTES = 32;
/** Base62 characters that carry the random bytes (62^43 > 2^256, so 43 always fit). */
export const API_KEY_BODY_LENGTH = 43;
/** Base62 characters of the CRC-32 checksum (62^6 > 2^32). */
export const API_KEY_CHECKSUM_LENGTH = 6;
/** How many characters follow the prefix: body and checksum. */
const TAIL_LENGTH = API_KEY_BODY_LENGTH + API_KEY_CHECKSUM_LENGTH;
/** The longest prefix, `_` included. */
const PREFIX_MAX = 8;
const BODY_LIMIT = 1n << BigInt(API_KEY_RANDOM_BYTES * 8);
const SHAPE = /^[a-z0-9]{1,7}_[0-9A-Za-z]{49}$/;
const ENCODER = new TextEncoder();

/** Codes of {@link ApiKeyFormatError}. */
export type ApiKeyErrorCode = 'INVALID_KEY_FORMAT' | 'BAD_KEY_CHECKSUM';

/** Why a text is not a usable API key. The message never repeats the key's secret part. */
export interface ApiKeyFormatError {
  code: ApiKeyErrorCode;
  message: string;
  /** 1-based position of the offending character, when one character is to blame. */
  position?: number;
  /** The key's prefix, when it was well formed (e.g. to say which integration type it looks like). */
  prefix?: string;
}

/** A well-formed API key split into its parts. */
export interface ApiKeyParts {
  /** The whole key, as given. */
  key: string;
  /** E.g. `kw_`. */
  prefix: string;
  /** The 43 base62 characters carrying the 32 random bytes. */
  body: string;
  /** The 6 base62 characters of CRC-32(prefix + body). */
  checksum: string;
  /** Always true here: a checksum mismatch is the `BAD_KEY_CHECKSUM` error, not a parsed key. */
  checksumValid: true;
}

/** The outcome of {@link parseApiKey}. */
export type ApiKeyParseResult = { ok: true; value: ApiKeyParts } | { ok: false; error: ApiKeyFormatError };

/** True when `prefix` is a valid key prefix: 2–8 characters of `[a-z0-9]` ending in `_` (e.g. `kw_`). */
export function isValidPrefix(prefix: string): boolean {
  return PREFIX_PATTERN.test(prefix);
}

/** The 6-character base62 CRC-32 checksum of `prefix + body`. */
export function apiKeyChecksum(prefix: string, body: string): string {
  return encodeBase62(BigInt(crc32(ENCODER.encode(prefix + body))), API_KEY_CHECKSUM_LENGTH);
}

/**
 * Builds key material from a prefix and exactly 32 random bytes: prefix + 43-character base62 body
 * (left-padded with `0`) + 6-character checksum. Throws `INVALID_INPUT` on a bad prefix or length.
 */
export function formatApiKey(prefix: string, randomBytes: Uint8Array): string {
  if (!isValidPrefix(prefix)) {
    throw new KeywardError(
      'INVALID_INPUT',
      'A key prefix must be 2–8 characters of a–z and 0–9 ending in "_", e.g. "kw_".',
    );
  }
  if (randomBytes.length !== API_KEY_RANDOM_BYTES) {
    throw new KeywardError(
      'INVALID_INPUT',
      `An API key needs exactly ${API_KEY_RANDOM_BYTES} random bytes, got ${randomBytes.length}.`,
    );
  }
  const body = encodeBase62(bytesToBigInt(randomBytes), API_KEY_BODY_LENGTH);
  return prefix + body + apiKeyChecksum(prefix, body);
}

/** Makes new key material with 32 bytes from the platform CSPRNG (`crypto.getRandomValues`). */
export function generateApiKey(prefix: string): string {
  const bytes = new Uint8Array(API_KEY_RANDOM_BYTES);
  globalThis.crypto.getRandomValues(bytes);
  try {
    return formatApiKey(prefix, bytes);
  } finally {
    bytes.fill(0);
  }
}

function formatError(message: string, extra: { position?: number; prefix?: string } = {}): ApiKeyParseResult {
  return { ok: false, error: { code: 'INVALID_KEY_FORMAT', message, ...extra } };
}

/**
 * Checks a pasted API key offline: prefix, length, alphabet and checksum. The text must be exactly
 * the key (callers trim pasted input first). Never throws; every problem is a typed error naming
 * the position at fault.
 */
export function parseApiKey(text: string): ApiKeyParseResult {
  if (text.length === 0) {
    return formatError('the API key is empty');
  }
  const underscore = text.indexOf('_');
  if (underscore === 0) {
    return formatError('the API key starts with "_": the prefix before it is missing (e.g. "kw_")', {
      position: 1,
    });
  }
  if (underscore < 0 || underscore >= PREFIX_MAX) {
    return formatError(
      'an API key starts with a prefix of 1–7 characters a–z or 0–9 followed by "_" (e.g. "kw_")',
    );
  }
  const prefix = text.slice(0, underscore + 1);
  for (let index = 0; index < underscore; index += 1) {
    const code = text.charCodeAt(index);
    const isLower = code >= 0x61 && code <= 0x7a;
    const isDigit = code >= 0x30 && code <= 0x39;
    if (!isLower && !isDigit) {
      const upper = code >= 0x41 && code <= 0x5a;
      return formatError(
        upper
          ? `the prefix must be lowercase: ${describeChar(text, index)} at position ${index + 1}`
          : `${describeChar(text, index)} at position ${index + 1} is not allowed in a prefix (a–z, 0–9)`,
        { position: index + 1 },
      );
    }
  }
  for (let index = prefix.length; index < text.length; index += 1) {
    if (base62DigitValue(text.charAt(index)) < 0) {
      return formatError(
        `${describeChar(text, index)} at position ${index + 1} is not base62 (0–9, A–Z, a–z)`,
        { position: index + 1, prefix },
      );
    }
  }
  const tailLength = text.length - prefix.length;
  if (tailLength !== TAIL_LENGTH) {
    const hint = tailLength < TAIL_LENGTH ? ' (is it cut off?)' : '';
    return formatError(
      `expected ${TAIL_LENGTH} characters after the prefix "${prefix}" (${API_KEY_BODY_LENGTH} key + ` +
        `${API_KEY_CHECKSUM_LENGTH} checksum), got ${tailLength}${hint}`,
      { prefix },
    );
  }
  const body = text.slice(prefix.length, prefix.length + API_KEY_BODY_LENGTH);
  const checksum = text.slice(prefix.length + API_KEY_BODY_LENGTH);
  if (apiKeyChecksum(prefix, body) !== checksum) {
    return {
      ok: false,
      error: {
        code: 'BAD_KEY_CHECKSUM',
        message: `the checksum does not match: this "${prefix}" key was mistyped, truncated or altered`,
        prefix,
      },
    };
  }
  if ((decodeBase62(body) ?? BODY_LIMIT) >= BODY_LIMIT) {
    return formatError(`the key part is out of range: it does not encode ${API_KEY_RANDOM_BYTES} bytes`, {
      prefix,
    });
  }
  return { ok: true, value: { key: text, prefix, body, checksum, checksumValid: true } };
}

/**
 * True when the text has the shape of an API key (prefix, then 49 base62 characters), whether or not
 * its checksum matches — a cheap test for routing pasted text; {@link parseApiKey} checks everything.
 */
export function looksLikeApiKey(text: string): boolean {
  return text.length <= PREFIX_MAX + TAIL_LENGTH && SHAPE.test(text);
}

/** How a key is shown: its first 8 characters and `…` (never more, whatever the input). */
export function maskKey(key: string): string {
  let shown = '';
  let count = 0;
  for (const char of key) {
    if (count === 8) {
      break;
    }
    shown += char;
    count += 1;
  }
  return `${shown}…`;
}
