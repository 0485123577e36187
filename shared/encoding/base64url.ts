import { describeChar } from './describe-char.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Value of each ASCII code in the base64url alphabet; -1 for every other character. */
const DECODE_TABLE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let index = 0; index < ALPHABET.length; index += 1) {
    table[ALPHABET.charCodeAt(index)] = index;
  }
  return table;
})();

/** Why a text is not base64url (RFC 4648 §5, unpadded, as JOSE uses it). */
export interface Base64UrlError {
  code: 'NOT_BASE64URL';
  /** Says what is wrong and where, e.g. `'+' at position 12 is standard base64 …`. */
  message: string;
  /** 1-based position of the offending character (UTF-16 code units); absent for a bad length. */
  position?: number;
}

/** The outcome of {@link decodeBase64Url}: the bytes, or why the text is not base64url. */
export type Base64UrlResult = { ok: true; value: Uint8Array } | { ok: false; error: Base64UrlError };

function invalidCharacter(text: string, index: number): Base64UrlError {
  const position = index + 1;
  const char = text.charCodeAt(index);
  let message: string;
  if (char === 0x3d) {
    message = `padding '=' at position ${position} is not used in base64url; remove the trailing '='`;
  } else if (char === 0x2b) {
    message = `'+' at position ${position} is standard base64, not base64url (which uses '-' instead)`;
  } else if (char === 0x2f) {
    message = `'/' at position ${position} is standard base64, not base64url (which uses '_' instead)`;
  } else {
    message = `${describeChar(text, index)} at position ${position} is not a base64url character (A–Z, a–z, 0–9, '-', '_')`;
  }
  return { code: 'NOT_BASE64URL', message, position };
}

/**
 * Decodes unpadded base64url (RFC 4648 §5) strictly: padding, `+`, `/`, whitespace and every other
 * character outside the alphabet are rejected with their position. Like every JOSE library, the
 * unused low bits of the last character are ignored rather than required to be zero.
 */
export function decodeBase64Url(text: string): Base64UrlResult {
  const length = text.length;
  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 128 || DECODE_TABLE[code] === -1) {
      return { ok: false, error: invalidCharacter(text, index) };
    }
  }
  if (length % 4 === 1) {
    return {
      ok: false,
      error: {
        code: 'NOT_BASE64URL',
        message: `${length} characters cannot be base64url: the last group has a single character (is it cut off?)`,
      },
    };
  }
  const bytes = new Uint8Array(Math.floor((length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let out = 0;
  for (let index = 0; index < length; index += 1) {
    buffer = ((buffer << 6) | (DECODE_TABLE[text.charCodeAt(index)] ?? 0)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out] = (buffer >> bits) & 0xff;
      out += 1;
    }
  }
  return { ok: true, value: bytes };
}

/** Encodes bytes as unpadded base64url (RFC 4648 §5). */
export function encodeBase64Url(bytes: Uint8Array): string {
  let text = '';
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const chunk = ((bytes[index] ?? 0) << 16) | ((bytes[index + 1] ?? 0) << 8) | (bytes[index + 2] ?? 0);
    text +=
      ALPHABET.charAt(chunk >> 18) +
      ALPHABET.charAt((chunk >> 12) & 63) +
      ALPHABET.charAt((chunk >> 6) & 63) +
      ALPHABET.charAt(chunk & 63);
  }
  const rest = bytes.length - index;
  if (rest === 1) {
    const chunk = (bytes[index] ?? 0) << 16;
    text += ALPHABET.charAt(chunk >> 18) + ALPHABET.charAt((chunk >> 12) & 63);
  } else if (rest === 2) {
    const chunk = ((bytes[index] ?? 0) << 16) | ((bytes[index + 1] ?? 0) << 8);
    text +=
      ALPHABET.charAt(chunk >> 18) + ALPHABET.charAt((chunk >> 12) & 63) + ALPHABET.charAt((chunk >> 6) & 63);
  }
  return text;
}
