import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BASE62_ALPHABET,
  base62DigitValue,
  bytesToBigInt,
  decodeBase62,
  encodeBase62,
} from '../../../../shared/keys/base62.ts';

describe('base62', () => {
  it('uses 0–9, A–Z, a–z in value order', () => {
    expect(BASE62_ALPHABET).toHaveLength(62);
    expect([...BASE62_ALPHABET].map(base62DigitValue)).toEqual([...Array(62).keys()]);
    expect(['', '-', '_', '+', '/', ' ', 'é'].map(base62DigitValue)).toEqual([-1, -1, -1, -1, -1, -1, -1]);
  });

  it('pads to a fixed width with 0', () => {
    expect(encodeBase62(0n, 6)).toBe('000000');
    expect(encodeBase62(61n, 3)).toBe('00z');
    expect(encodeBase62(62n, 3)).toBe('010');
    expect(encodeBase62(0xffffffffn, 6)).toBe('4gfFC3');
  });

  it('43 digits hold any 32 bytes, and 6 digits any CRC-32', () => {
    const max = bytesToBigInt(new Uint8Array(32).fill(0xff));
    expect(max).toBe((1n << 256n) - 1n);
    expect(encodeBase62(max, 43)).toHaveLength(43);
    expect(62n ** 43n > 1n << 256n).toBe(true);
    expect(62n ** 42n < 1n << 256n).toBe(true);
    expect(62n ** 6n > 1n << 32n).toBe(true);
  });

  it('refuses values that do not fit, and negative ones', () => {
    expect(() => encodeBase62(62n ** 3n, 3)).toThrow(RangeError);
    expect(() => encodeBase62(-1n, 3)).toThrow(RangeError);
  });

  it('decodes digits and rejects anything else', () => {
    expect(decodeBase62('00z')).toBe(61n);
    expect(decodeBase62('')).toBe(0n);
    expect(decodeBase62('a-b')).toBeNull();
  });

  it('round-trips any value (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (value) => {
        const text = encodeBase62(value, 43);
        expect(text).toMatch(/^[0-9A-Za-z]{43}$/);
        expect(decodeBase62(text)).toBe(value);
      }),
    );
  });

  it('bytesToBigInt reads big-endian', () => {
    expect(bytesToBigInt(new Uint8Array([1, 0]))).toBe(256n);
    expect(bytesToBigInt(new Uint8Array([]))).toBe(0n);
  });
});
