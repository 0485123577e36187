import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRegisteredClaims } from '../../../../shared/jwt/registered-claims.ts';

describe('readRegisteredClaims', () => {
  it('reads the seven registered claims, times as epoch ms', () => {
    expect(
      readRegisteredClaims({
        iss: 'keyward',
        sub: 'int_1',
        aud: ['a', 'b'],
        exp: 1_300_819_380,
        nbf: 1_300_819_000,
        iat: 1_300_818_000.5,
        jti: 'id-1',
        other: 1,
      }),
    ).toEqual({
      registered: {
        iss: 'keyward',
        sub: 'int_1',
        aud: ['a', 'b'],
        exp: 1_300_819_380_000,
        nbf: 1_300_819_000_000,
        iat: 1_300_818_000_500,
        jti: 'id-1',
      },
      warnings: [],
    });
  });

  it('accepts a single-string audience', () => {
    expect(readRegisteredClaims({ aud: 'api' }).registered).toEqual({ aud: 'api' });
  });

  it('leaves malformed claims out, with a warning each', () => {
    expect(
      readRegisteredClaims({
        iss: 42,
        sub: null,
        aud: ['a', 1],
        exp: '1300819380',
        nbf: 1e300,
        iat: true,
        jti: {},
      }),
    ).toEqual({
      registered: {},
      warnings: [
        '"iss" should be a string, got a number',
        '"sub" should be a string, got null',
        '"jti" should be a string, got an object',
        '"aud" should be a string or an array of strings, got an array',
        '"exp" should be a NumericDate (seconds since 1970), got a string',
        '"nbf" is out of the range of dates',
        '"iat" should be a NumericDate (seconds since 1970), got a boolean',
      ],
    });
  });

  it('never throws on any JSON object (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'x'), fc.jsonValue()),
        (claims) => {
          const { registered, warnings } = readRegisteredClaims(claims);
          for (const name of ['exp', 'nbf', 'iat'] as const) {
            const value = registered[name];
            if (value !== undefined) {
              expect(Number.isFinite(value)).toBe(true);
            }
          }
          expect(Array.isArray(warnings)).toBe(true);
        },
      ),
    );
  });
});
