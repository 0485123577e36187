import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../../shared/keys/crc32.ts';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('crc32', () => {
  it.each([
    ['123456789', 0xcbf43926],
    ['', 0x00000000],
    ['a', 0xe8b7be43],
    ['abc', 0x352441c2],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('known vector %j → %s', (text, expected) => {
    expect(crc32(utf8(text))).toBe(expected);
  });

  it('is an unsigned 32-bit integer', () => {
    const value = crc32(new Uint8Array(1000).fill(0xff));
    expect(Number.isInteger(value) && value >= 0 && value <= 0xffffffff).toBe(true);
  });

  it('matches zlib for any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc32(bytes)).toBe(zlibCrc32(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});
