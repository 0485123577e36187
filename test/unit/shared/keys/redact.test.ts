import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { generateApiKey } from '../../../../shared/keys/key-format.ts';
import {
  containsKeyMaterial,
  KEY_SHAPED_MIN_TAIL,
  keyShapedPattern,
  maskKeyShaped,
  redactKeyMaterial,
} from '../../../../shared/keys/redact.ts';

describe('redactKeyMaterial', () => {
  it('masks a key pasted into a message, leaving ordinary text alone', () => {
    const key = generateApiKey('cb_');
    expect(redactKeyMaterial(`No integration named "${key}".`)).toBe(
      `No integration named "${key.slice(0, 8)}…".`,
    );
    expect(redactKeyMaterial('Billing API')).toBe('Billing API');
  });

  it('replaces a pasted Secret (or a cut-off part of one)', () => {
    const token = 'eyJhbGciOiJFZERTQSJ9.eyJjbGllbnRfc2VjcmV0Ijoia3dfeHl6In0.c2lnbmF0dXJl';
    expect(redactKeyMaterial(`ref "${token}"`)).toBe('ref "eyJ…"');
    expect(redactKeyMaterial(token.slice(0, 60))).toBe('eyJ…');
  });

  it('masks a key whose body holds `eyJ` before a dot as a whole key, leaving no part of it', () => {
    // About one generated key in 5000 holds `eyJ`; quoted at the end of a sentence, a dot follows.
    const key = `kw_${'A1b2C3d4e5'.repeat(2)}eyJ${'F6g7H8i9J0'.repeat(3)}`.slice(0, 52);
    expect(key.slice(3)).toHaveLength(49);
    expect(redactKeyMaterial(`No key with id ${key}.`)).toBe(`No key with id ${key.slice(0, 8)}….`);
    const token = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln';
    expect(redactKeyMaterial(`${key} then ${token}`)).toBe(`${key.slice(0, 8)}… then eyJ…`);
  });
});

/** Every match of the one pattern in `text`. */
function matches(text: string): string[] {
  return [...text.matchAll(keyShapedPattern())].map((match) => match[0]);
}

describe('the one key-shaped pattern', () => {
  const key = generateApiKey('kw_');
  const longPrefixKey = generateApiKey('abcdefg_');

  it('matches whole keys of every prefix length, wherever they sit', () => {
    expect(matches(key)).toEqual([key]);
    expect(matches(longPrefixKey)).toEqual([longPrefixKey]);
    expect(matches(generateApiKey('a_'))).toHaveLength(1);
    expect(matches(`"${key}", then ${longPrefixKey}.`)).toEqual([key, longPrefixKey]);
  });

  it('matches a key glued to other text (no word boundary needed)', () => {
    expect(matches(`foo_${key}`)).toEqual([key]);
    expect(matches(`${key}_suffix`)).toEqual([key]);
    expect(matches(`Bearer${key}`)).toHaveLength(1);
    // A run longer than a key is taken whole, so nothing of it survives masking.
    expect(maskKeyShaped(`${key}EXTRA`)).toBe(`${key.slice(0, 8)}…`);
  });

  it(`matches a fragment down to ${KEY_SHAPED_MIN_TAIL} characters after the prefix, not shorter`, () => {
    expect(matches(key.slice(0, 3 + KEY_SHAPED_MIN_TAIL))).toHaveLength(1);
    expect(matches(key.slice(0, 3 + KEY_SHAPED_MIN_TAIL - 1))).toEqual([]);
  });

  it('does not match ids, names and hashes the vault writes', () => {
    for (const text of [
      crypto.randomUUID(),
      'billing_service_prod',
      'k_2026-12-06',
      'a'.repeat(64),
      `KW_${key.slice(3)}`, // a prefix is lower case
      `kw-${key.slice(3)}`, // `_` ends a prefix
      'keyward-20261206T143000Z',
      '/home/someone/.config/Keyward/keyward.vault',
    ]) {
      expect(matches(text), text).toEqual([]);
      expect(containsKeyMaterial(text), text).toBe(false);
    }
  });

  it('never takes a 43-character base64url id (a signing key kid, a 32-byte token) for key material', () => {
    // The worst cases: `_` as early as a prefix allows, the rest base62. A thumbprint like the first
    // one made a signing-key rotation fail in CI when the tail minimum was 40.
    const base62Run = (length: number) => 'Ab3'.repeat(length).slice(0, length);
    for (const text of [`ab_${base62Run(40)}`, `a_${base62Run(41)}`, `abcdefg_${base62Run(35)}`]) {
      expect(text).toHaveLength(43);
      expect(containsKeyMaterial(text), text).toBe(false);
    }
    for (let i = 0; i < 2000; i += 1) {
      const id = randomBytes(32).toString('base64url');
      expect(containsKeyMaterial(id), id).toBe(false);
    }
  });

  it('containsKeyMaterial: keys, fragments and tokens, glued or not', () => {
    expect(containsKeyMaterial(`x_${key}`)).toBe(true);
    expect(containsKeyMaterial(key.slice(0, 45))).toBe(true);
    expect(containsKeyMaterial('see eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0')).toBe(true);
  });

  it('masking is idempotent and never grows a match past 8 characters', () => {
    const once = maskKeyShaped(`a ${key} b`);
    expect(once).toBe(`a ${key.slice(0, 8)}… b`);
    expect(maskKeyShaped(once)).toBe(once);
  });
});
