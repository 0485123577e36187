/** The base62 digits in value order: `0–9`, then `A–Z`, then `a–z` (the GitHub token alphabet). */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const BASE = 62n;

/** The value of one base62 digit, or -1 when the character is not one. */
export function base62DigitValue(char: string): number {
  const code = char.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) {
    return code - 0x30;
  }
  if (code >= 0x41 && code <= 0x5a) {
    return code - 0x41 + 10;
  }
  if (code >= 0x61 && code <= 0x7a) {
    return code - 0x61 + 36;
  }
  return -1;
}

/**
 * Encodes a non-negative integer in base62, left-padded with `0` to exactly `width` digits.
 * Throws a RangeError when the value is negative or needs more than `width` digits (a programming
 * error: callers choose widths that fit their values).
 */
export function encodeBase62(value: bigint, width: number): string {
  if (value < 0n) {
    throw new RangeError('base62 encodes non-negative integers only');
  }
  let rest = value;
  let digits = '';
  while (rest > 0n) {
    digits = BASE62_ALPHABET.charAt(Number(rest % BASE)) + digits;
    rest /= BASE;
  }
  if (digits.length > width) {
    throw new RangeError(`value needs ${digits.length} base62 digits, more than the width ${width}`);
  }
  return digits.padStart(width, '0');
}

/** Decodes base62 digits to their integer value, or returns null when a character is not a digit. */
export function decodeBase62(text: string): bigint | null {
  let value = 0n;
  for (const char of text) {
    const digit = base62DigitValue(char);
    if (digit < 0) {
      return null;
    }
    value = value * BASE + BigInt(digit);
  }
  return value;
}

/** Reads bytes as one big-endian unsigned integer. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) {
    value = (value << 8n) | BigInt(byte);
  }
  return value;
}
