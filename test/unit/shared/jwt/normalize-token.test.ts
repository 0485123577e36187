import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeTokenInput } from '../../../../shared/jwt/normalize-token.ts';
import { fuzzText } from '../fuzz-strings.ts';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';

describe('normalizeTokenInput', () => {
  it.each([
    [TOKEN, TOKEN, null],
    [`  ${TOKEN}\n`, TOKEN, null],
    [`Bearer ${TOKEN}`, TOKEN, 'Bearer'],
    [`bearer\t${TOKEN}`, TOKEN, 'Bearer'],
    [`BEARER   ${TOKEN}  `, TOKEN, 'Bearer'],
    [`Authorization: Bearer ${TOKEN}`, TOKEN, 'Authorization: Bearer'],
    [`authorization:${TOKEN}`, TOKEN, 'Authorization:'],
    [`"${TOKEN}"`, TOKEN, null],
    [`'Bearer ${TOKEN}'`, TOKEN, 'Bearer'],
    [`Bearer "${TOKEN}"`, TOKEN, 'Bearer'],
    [`\`${TOKEN}\``, TOKEN, null],
    ['Bearer', '', 'Bearer'],
    ['Bearer   ', '', 'Bearer'],
    ['""', '', null],
    ['   ', '', null],
  ])('%j → %j', (input, token, removedScheme) => {
    expect(normalizeTokenInput(input)).toEqual({ token, removedScheme });
  });

  it('joins lines wrapped by a terminal or mail client, indentation included', () => {
    const wrapped = `${TOKEN.slice(0, 10)}\r\n    ${TOKEN.slice(10, 25)}\n\t${TOKEN.slice(25, 30)} \r${TOKEN.slice(30)}`;
    expect(normalizeTokenInput(wrapped).token).toBe(TOKEN);
  });

  it('keeps spaces inside a line, so the parser can point at them', () => {
    expect(normalizeTokenInput('abc def').token).toBe('abc def');
  });

  it('does not mistake a key prefix for a scheme', () => {
    expect(normalizeTokenInput('bearer_abc').token).toBe('bearer_abc');
    expect(normalizeTokenInput('Bearerabc').token).toBe('Bearerabc');
  });

  it('leaves unmatched quotes alone', () => {
    expect(normalizeTokenInput(`"${TOKEN}'`).token).toBe(`"${TOKEN}'`);
    expect(normalizeTokenInput('"').token).toBe('"');
  });

  it('never throws and never adds characters (fuzz)', () => {
    fc.assert(
      fc.property(fuzzText('Bearer "\'\r\n\t eyJ.'), (input) => {
        const { token } = normalizeTokenInput(input);
        expect(token.length).toBeLessThanOrEqual(input.length);
        expect(token).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 2000 },
    );
  });
});
