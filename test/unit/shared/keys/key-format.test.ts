import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  API_KEY_BODY_LENGTH,
  API_KEY_CHECKSUM_LENGTH,
  apiKeyChecksum,
  formatApiKey,
  generateApiKey,
  isValidPrefix,
  looksLikeApiKey,
  maskKey,
  parseApiKey,
} from '../../../../shared/keys/key-format.ts';
import { codeOf } from '../../../support/checks.ts';
import { fuzzText } from '../fuzz-strings.ts';

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** An independent oracle: the key format written out from the spec with BigInt and zlib. */
function oracleKey(prefix: string, bytes: Uint8Array): string {
  const toBase62 = (value: bigint, width: number): string => {
    let text = '';
    for (let rest = value; rest > 0n; rest /= 62n) {
      text = DIGITS.charAt(Number(rest % 62n)) + text;
    }
    return text.padStart(width, '0');
  };
  const body = toBase62(BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`), 43);
  const checksum = toBase62(BigInt(zlibCrc32(Buffer.from(prefix + body))), 6);
  return prefix + body + checksum;
}

const sequential = Uint8Array.from({ length: 32 }, (_, index) => index);
const KNOWN_KEY = 'kw_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf45YXCo';

function errorOf(text: string): { code: string; message: string; position?: number; prefix?: string } {
  const result = parseApiKey(text);
  if (result.ok) {
    throw new Error(`expected ${text} to be rejected`);
  }
  return result.error;
}

/** Replaces the character at `index` with a different base62 digit. */
function substitute(key: string, index: number, shift: number): string {
  const digit = DIGITS.indexOf(key.charAt(index));
  return key.slice(0, index) + DIGITS.charAt((digit + 1 + (shift % 61)) % 62) + key.slice(index + 1);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('isValidPrefix', () => {
  it.each(['kw_', 'cb_', 'a_', '9_', 'abcdefg_', 'k8s_'])('accepts %j', (prefix) => {
    expect(isValidPrefix(prefix)).toBe(true);
  });

  it.each(['', '_', 'kw', 'KW_', 'Kw_', 'k-_', 'k__', 'abcdefgh_', 'kw_ ', ' kw_', 'kw-', 'é_'])(
    'rejects %j',
    (prefix) => {
      expect(isValidPrefix(prefix)).toBe(false);
    },
  );
});

describe('formatApiKey', () => {
  it('is prefix + 43 base62 characters + 6-character CRC-32 checksum', () => {
    const key = formatApiKey('kw_', sequential);
    expect(key).toBe(KNOWN_KEY);
    expect(key).toBe(oracleKey('kw_', sequential));
    expect(key).toHaveLength(3 + API_KEY_BODY_LENGTH + API_KEY_CHECKSUM_LENGTH);
  });

  it('left-pads small values with 0 so every key has the same width', () => {
    const key = formatApiKey('cb_', new Uint8Array(32));
    expect(key).toBe(`cb_${'0'.repeat(43)}${apiKeyChecksum('cb_', '0'.repeat(43))}`);
    expect(key).toBe(oracleKey('cb_', new Uint8Array(32)));
    expect(formatApiKey('abcdefg_', new Uint8Array(32).fill(0xff))).toHaveLength(8 + 49);
  });

  it('matches the independent oracle for any bytes and prefix (property)', () => {
    const prefix = fc.stringMatching(/^[a-z0-9]{1,7}_$/);
    fc.assert(
      fc.property(prefix, fc.uint8Array({ minLength: 32, maxLength: 32 }), (p, bytes) => {
        expect(formatApiKey(p, bytes)).toBe(oracleKey(p, bytes));
      }),
    );
  });

  it('refuses a bad prefix or a wrong number of bytes with INVALID_INPUT', () => {
    expect(codeOf(() => formatApiKey('KW_', sequential))).toBe('INVALID_INPUT');
    expect(codeOf(() => formatApiKey('kw', sequential))).toBe('INVALID_INPUT');
    expect(codeOf(() => formatApiKey('kw_', new Uint8Array(31)))).toBe('INVALID_INPUT');
    expect(codeOf(() => formatApiKey('kw_', new Uint8Array(33)))).toBe('INVALID_INPUT');
    expect(() => formatApiKey('kw_', new Uint8Array(16))).toThrow('exactly 32 random bytes, got 16');
  });
});

describe('generateApiKey', () => {
  it('makes valid, distinct keys with the given prefix', () => {
    const keys = Array.from({ length: 500 }, () => generateApiKey('cb_'));
    expect(new Set(keys).size).toBe(500);
    for (const key of keys) {
      expect(key.startsWith('cb_')).toBe(true);
      expect(parseApiKey(key).ok).toBe(true);
    }
  });

  it('draws its 32 bytes from crypto.getRandomValues and zeroes its buffer afterwards', () => {
    let buffer: Uint8Array | undefined;
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(
      <T extends ArrayBufferView | null>(array: T): T => {
        if (array instanceof Uint8Array) {
          array.set(sequential);
          buffer = array;
        }
        return array;
      },
    );
    expect(generateApiKey('kw_')).toBe(KNOWN_KEY);
    expect(buffer).toEqual(new Uint8Array(32));
  });

  it('refuses an invalid prefix', () => {
    expect(codeOf(() => generateApiKey('Bad_'))).toBe('INVALID_INPUT');
  });
});

describe('parseApiKey', () => {
  it('splits a valid key into its parts', () => {
    expect(parseApiKey(KNOWN_KEY)).toEqual({
      ok: true,
      value: {
        key: KNOWN_KEY,
        prefix: 'kw_',
        body: KNOWN_KEY.slice(3, 46),
        checksum: KNOWN_KEY.slice(46),
        checksumValid: true,
      },
    });
  });

  it('round-trips every generated key (property)', () => {
    const prefix = fc.stringMatching(/^[a-z0-9]{1,7}_$/);
    fc.assert(
      fc.property(prefix, fc.uint8Array({ minLength: 32, maxLength: 32 }), (p, bytes) => {
        const key = formatApiKey(p, bytes);
        const parsed = parseApiKey(key);
        expect(parsed).toMatchObject({ ok: true, value: { prefix: p, checksumValid: true } });
      }),
    );
  });

  it('catches every single-character typo as a checksum mismatch (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(48),
        fc.nat(),
        (bytes, offset, shift) => {
          const key = formatApiKey('kw_', bytes);
          const typo = substitute(key, 3 + offset, shift);
          expect(typo).not.toBe(key);
          const error = errorOf(typo);
          // A typo in the body may also push it past 2^256, which is reported as a format error.
          expect(['BAD_KEY_CHECKSUM', 'INVALID_KEY_FORMAT']).toContain(error.code);
          if (offset >= 43) {
            expect(error.code).toBe('BAD_KEY_CHECKSUM');
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('catches swapped neighbouring characters (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(47), (bytes, offset) => {
        const key = formatApiKey('kw_', bytes);
        const at = 3 + offset;
        const swapped = key.slice(0, at) + key.charAt(at + 1) + key.charAt(at) + key.slice(at + 2);
        fc.pre(swapped !== key);
        expect(parseApiKey(swapped).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('a checksum mismatch names the prefix but never the key', () => {
    const typo = substitute(KNOWN_KEY, 20, 0);
    const error = errorOf(typo);
    expect(error).toEqual({
      code: 'BAD_KEY_CHECKSUM',
      message: 'the checksum does not match: this "kw_" key was mistyped, truncated or altered',
      prefix: 'kw_',
    });
  });

  it('rejects a body that does not encode 32 bytes, even with a matching checksum', () => {
    const body = 'z'.repeat(43);
    expect(errorOf(`kw_${body}${apiKeyChecksum('kw_', body)}`)).toEqual({
      code: 'INVALID_KEY_FORMAT',
      message: 'the key part is out of range: it does not encode 32 bytes',
      prefix: 'kw_',
    });
  });

  it('explains format problems precisely', () => {
    expect(errorOf('')).toEqual({ code: 'INVALID_KEY_FORMAT', message: 'the API key is empty' });
    expect(errorOf('_abc')).toMatchObject({
      message: 'the API key starts with "_": the prefix before it is missing (e.g. "kw_")',
      position: 1,
    });
    expect(errorOf('abcdefgh_xyz').message).toBe(
      'an API key starts with a prefix of 1–7 characters a–z or 0–9 followed by "_" (e.g. "kw_")',
    );
    expect(errorOf('nounderscore').code).toBe('INVALID_KEY_FORMAT');
    expect(errorOf(`KW_${KNOWN_KEY.slice(3)}`)).toMatchObject({
      message: "the prefix must be lowercase: 'K' at position 1",
      position: 1,
    });
    expect(errorOf(`k-_${KNOWN_KEY.slice(3)}`)).toMatchObject({
      message: "'-' at position 2 is not allowed in a prefix (a–z, 0–9)",
      position: 2,
    });
    expect(errorOf(`${KNOWN_KEY.slice(0, 10)}-${KNOWN_KEY.slice(11)}`)).toEqual({
      code: 'INVALID_KEY_FORMAT',
      message: "'-' at position 11 is not base62 (0–9, A–Z, a–z)",
      position: 11,
      prefix: 'kw_',
    });
    expect(errorOf(`${KNOWN_KEY} `).message).toBe('a space at position 53 is not base62 (0–9, A–Z, a–z)');
    expect(errorOf(KNOWN_KEY.slice(0, 30)).message).toBe(
      'expected 49 characters after the prefix "kw_" (43 key + 6 checksum), got 27 (is it cut off?)',
    );
    expect(errorOf(`${KNOWN_KEY}A`).message).toBe(
      'expected 49 characters after the prefix "kw_" (43 key + 6 checksum), got 50',
    );
  });

  it('never throws and never puts the secret part in a message (fuzz)', () => {
    fc.assert(
      fc.property(fuzzText('kw_0123456789ABCDEFabcdefxyzXYZ'), (text) => {
        const result = parseApiKey(text);
        if (result.ok) {
          expect(looksLikeApiKey(text)).toBe(true);
          return;
        }
        expect(['INVALID_KEY_FORMAT', 'BAD_KEY_CHECKSUM']).toContain(result.error.code);
        expect(result.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(52),
        fc.string({ maxLength: 3 }),
        (bytes, at, junk) => {
          const key = formatApiKey('kw_', bytes);
          const mangled = key.slice(0, at) + junk + key.slice(at + 1);
          const result = parseApiKey(mangled);
          if (!result.ok) {
            expect(result.error.message).not.toContain(key.slice(3, 13));
            expect(result.error.message).not.toContain(key.slice(30, 40));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('looksLikeApiKey', () => {
  it('recognises the shape, checksum or not', () => {
    expect(looksLikeApiKey(KNOWN_KEY)).toBe(true);
    expect(looksLikeApiKey(substitute(KNOWN_KEY, 50, 0))).toBe(true);
    expect(looksLikeApiKey(generateApiKey('abcdefg_'))).toBe(true);
  });

  it.each([
    '',
    'kw_',
    KNOWN_KEY.slice(0, -1),
    `${KNOWN_KEY}0`,
    ` ${KNOWN_KEY}`,
    `KW_${KNOWN_KEY.slice(3)}`,
    'eyJhbGciOiJIUzI1NiJ9.e30.',
  ])('rejects %j', (text) => {
    expect(looksLikeApiKey(text)).toBe(false);
  });
});

describe('maskKey', () => {
  it('shows the first 8 characters and an ellipsis', () => {
    expect(maskKey(KNOWN_KEY)).toBe('kw_003aU…');
    expect(maskKey('abcdefg_XYZ')).toBe('abcdefg_…');
  });

  it('never shows more than 8 characters, whatever it is given', () => {
    expect(maskKey('')).toBe('…');
    expect(maskKey('short')).toBe('short…');
    expect(maskKey('😀😀😀😀😀😀😀😀😀😀')).toBe('😀😀😀😀😀😀😀😀…');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const masked = maskKey(text);
        expect(masked.endsWith('…')).toBe(true);
        expect([...masked.slice(0, -1)].length).toBeLessThanOrEqual(8);
        expect(text.startsWith(masked.slice(0, -1))).toBe(true);
      }),
    );
  });
});
