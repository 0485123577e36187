import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8Strict, utf8ByteLength } from '../../../../shared/encoding/utf8.ts';
import { anyUtf16 } from '../fuzz-strings.ts';

describe('utf8ByteLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['\ud800', 3],
    ['\ud800a', 4],
  ])('%j is %d bytes', (text, bytes) => {
    expect(utf8ByteLength(text)).toBe(bytes);
  });

  it('equals what TextEncoder writes, for any UTF-16 text (property)', () => {
    fc.assert(
      fc.property(anyUtf16(200), (text) => {
        expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decodeUtf8Strict', () => {
  it('decodes valid UTF-8 and keeps a BOM', () => {
    expect(decodeUtf8Strict(new TextEncoder().encode('héllo 😀'))).toBe('héllo 😀');
    expect(decodeUtf8Strict(new Uint8Array([0xef, 0xbb, 0xbf, 0x41]))).toBe('\ufeffA');
  });

  it('returns null for invalid UTF-8 instead of replacing it', () => {
    expect(decodeUtf8Strict(new Uint8Array([0xff]))).toBeNull();
    expect(decodeUtf8Strict(new Uint8Array([0xc3]))).toBeNull();
    expect(decodeUtf8Strict(new Uint8Array([0xed, 0xa0, 0x80]))).toBeNull();
  });
});
