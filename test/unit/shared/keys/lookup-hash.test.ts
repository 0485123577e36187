import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatApiKey, parseApiKey } from '../../../../shared/keys/key-format.ts';
import { LOOKUP_HASH_PATTERN, LOOKUP_HASH_VECTORS, lookupHash } from '../../../../shared/keys/lookup-hash.ts';
import { sha256 } from '../../../../shared/keys/sha256.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('sha256', () => {
  it('gives the FIPS 180-4 example digests', () => {
    const text = (value: string) => hex(sha256(new TextEncoder().encode(value)));
    expect(text('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(text('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(hex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('agrees with node:crypto on every length around the block boundaries and on random bytes', () => {
    for (let length = 0; length <= 200; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, index) => (index * 31 + length) & 0xff);
      expect(hex(sha256(bytes))).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(hex(sha256(bytes))).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
    );
  });
});

describe('the lookup hash', () => {
  it('matches its published test vectors, each a well-formed key', () => {
    expect(LOOKUP_HASH_VECTORS.length).toBeGreaterThanOrEqual(3);
    for (const vector of LOOKUP_HASH_VECTORS) {
      expect(parseApiKey(vector.key).ok).toBe(true);
      expect(lookupHash(vector.key)).toBe(vector.hash);
    }
    expect(LOOKUP_HASH_VECTORS[0]?.key).toBe(formatApiKey('kw_', new Uint8Array(32)));
    expect(LOOKUP_HASH_VECTORS[1]?.key).toBe(
      formatApiKey(
        'kw_',
        Uint8Array.from({ length: 32 }, (_, index) => index),
      ),
    );
    expect(LOOKUP_HASH_VECTORS[2]?.key).toBe(formatApiKey('cb_', new Uint8Array(32).fill(0xff)));
  });

  it('is SHA-256 of the UTF-8 key as lowercase hex, as node:crypto computes it (what a server may use)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.constantFrom('kw_', 'cb_', 'k8s_'),
        (bytes, prefix) => {
          const key = formatApiKey(prefix, bytes);
          const hash = lookupHash(key);
          expect(hash).toMatch(LOOKUP_HASH_PATTERN);
          expect(hash).toBe(createHash('sha256').update(key, 'utf8').digest('hex'));
        },
      ),
    );
    // Not normalised: any other text is another hash.
    expect(lookupHash('é')).toBe(createHash('sha256').update('é', 'utf8').digest('hex'));
    expect(lookupHash(` ${LOOKUP_HASH_VECTORS[0]?.key ?? ''}`)).not.toBe(LOOKUP_HASH_VECTORS[0]?.hash);
  });
});
