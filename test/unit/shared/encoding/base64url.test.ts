import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from '../../../../shared/encoding/base64url.ts';
import { fuzzText } from '../fuzz-strings.ts';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function errorOf(text: string): { code: string; message: string; position?: number } {
  const result = decodeBase64Url(text);
  if (result.ok) {
    throw new Error(`expected ${text} to be rejected`);
  }
  return result.error;
}

describe('base64url', () => {
  it.each([
    // RFC 4648 §10 test vectors, unpadded.
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ])('RFC 4648 vector %j ↔ %j', (plain, encoded) => {
    expect(encodeBase64Url(utf8(plain))).toBe(encoded);
    expect(decodeBase64Url(encoded)).toEqual({ ok: true, value: utf8(plain) });
  });

  it("uses '-' and '_' where base64 uses '+' and '/'", () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(encodeBase64Url(bytes)).toBe('-_-_');
    expect(decodeBase64Url('-_-_')).toEqual({ ok: true, value: bytes });
  });

  it('agrees with Node for any bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeBase64Url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(decodeBase64Url(text)).toEqual({ ok: true, value: bytes });
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects padding, pointing at the first =', () => {
    expect(errorOf('Zg==')).toEqual({
      code: 'NOT_BASE64URL',
      message: "padding '=' at position 3 is not used in base64url; remove the trailing '='",
      position: 3,
    });
  });

  it('rejects standard base64 characters with the right advice', () => {
    expect(errorOf('ab+c')).toMatchObject({
      message: "'+' at position 3 is standard base64, not base64url (which uses '-' instead)",
      position: 3,
    });
    expect(errorOf('abc/')).toMatchObject({
      message: "'/' at position 4 is standard base64, not base64url (which uses '_' instead)",
      position: 4,
    });
  });

  it('names whitespace, control and non-ASCII characters without printing them raw', () => {
    expect(errorOf('ab cd').message).toBe(
      "a space at position 3 is not a base64url character (A–Z, a–z, 0–9, '-', '_')",
    );
    expect(errorOf('ab\ncd').message).toContain('a line break at position 3');
    expect(errorOf('ab\tcd').message).toContain('a tab at position 3');
    expect(errorOf('ab\u0000').message).toContain('U+0000 at position 3');
    expect(errorOf('abé').message).toContain('U+00E9 at position 3');
    expect(errorOf('a😀').message).toContain('U+1F600 at position 2');
    expect(errorOf('a\uD800b').message).toContain('U+D800 at position 2');
    expect(errorOf('a.b').message).toContain("'.' at position 2");
  });

  it('rejects a length that no encoding produces', () => {
    expect(errorOf('Zm9vY')).toEqual({
      code: 'NOT_BASE64URL',
      message: '5 characters cannot be base64url: the last group has a single character (is it cut off?)',
    });
  });

  it('ignores non-zero unused bits in the last character, like JOSE libraries do', () => {
    expect(decodeBase64Url('Zh')).toEqual({ ok: true, value: utf8('f') });
  });

  it('never throws; every failure is NOT_BASE64URL with a message (fuzz)', () => {
    fc.assert(
      fc.property(fuzzText('ABCabc019-_+/= \n'), (text) => {
        const result = decodeBase64Url(text);
        if (result.ok) {
          expect(result.value.length).toBe(Math.floor((text.length * 3) / 4));
        } else {
          expect(result.error.code).toBe('NOT_BASE64URL');
          expect(result.error.message.length).toBeGreaterThan(0);
          if (result.error.position !== undefined) {
            expect(result.error.position).toBeGreaterThanOrEqual(1);
            expect(result.error.position).toBeLessThanOrEqual(text.length);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});
