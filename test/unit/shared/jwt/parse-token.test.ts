import { createHmac, createPublicKey, KeyObject, verify } from 'node:crypto';
import fc from 'fast-check';
import type { GenerateKeyPairResult } from 'jose';
import { CompactEncrypt, FlattenedSign, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64Url } from '../../../../shared/encoding/base64url.ts';
import type { ParsedJws, TokenError, TokenParseResult } from '../../../../shared/jwt/parse-token.ts';
import { MAX_TOKEN_BYTES, parseToken } from '../../../../shared/jwt/parse-token.ts';
import { formatApiKey, generateApiKey } from '../../../../shared/keys/key-format.ts';
import { fuzzText } from '../fuzz-strings.ts';

const ERROR_CODES = [
  'TOKEN_EMPTY',
  'TOKEN_TOO_LARGE',
  'TOKEN_UNSUPPORTED',
  'TOKEN_SEGMENT_COUNT',
  'TOKEN_NOT_BASE64URL',
  'TOKEN_NOT_JSON',
  'TOKEN_HEADER_INVALID',
  'TOKEN_PAYLOAD_NOT_OBJECT',
  'INVALID_KEY_FORMAT',
  'BAD_KEY_CHECKSUM',
];

/** RFC 7515 Appendix A.1 (HS256); the same JWT is RFC 7519 §3.1's example. */
const RFC7515_A1 =
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9' +
  '.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ' +
  '.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC7515_A1_KEY =
  'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow';
/** RFC 8037 Appendix A.4 (Ed25519 signing of a text payload) and the A.2 public key. */
const RFC8037_A4 =
  'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc' +
  '.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg';
const RFC8037_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
/** RFC 7519 §6.1: an unsecured JWT (alg none, empty signature). */
const RFC7519_UNSECURED =
  'eyJhbGciOiJub25lIn0' +
  '.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.';

const b64 = (text: string): string => encodeBase64Url(new TextEncoder().encode(text));
const tokenOf = (header: unknown, payload: string, signature = 'c2ln'): string =>
  `${b64(typeof header === 'string' ? header : JSON.stringify(header))}.${b64(payload)}.${signature}`;

function jws(result: TokenParseResult): ParsedJws {
  if (!result.ok) {
    throw new Error(`expected a JWS, got ${result.error.code}: ${result.error.message}`);
  }
  if (result.value.kind !== 'jws') {
    throw new Error('expected a JWS, got an API key');
  }
  return result.value;
}

function errorOf(input: string): TokenError {
  const result = parseToken(input);
  if (result.ok) {
    throw new Error(`expected ${input.slice(0, 40)} to be rejected`);
  }
  return result.error;
}

describe('standard tokens from other issuers', () => {
  it('RFC 7515 A.1 / RFC 7519 §3.1 (HS256): header, claims, registered claims, exact signature bytes', () => {
    const parsed = jws(parseToken(RFC7515_A1));
    expect(parsed.header).toEqual({ typ: 'JWT', alg: 'HS256' });
    expect(parsed.payload.format).toBe('claims');
    expect(parsed.payload).toMatchObject({
      claims: { iss: 'joe', exp: 1_300_819_380, 'http://example.com/is_root': true },
    });
    // The payload bytes are exactly as signed, CRLFs included.
    expect(new TextDecoder().decode(parsed.payload.bytes)).toBe(
      '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}',
    );
    expect(parsed.registered).toEqual({ iss: 'joe', exp: 1_300_819_380_000 });
    expect(parsed.warnings).toEqual([]);
    expect(parsed.signingInput).toBe(RFC7515_A1.slice(0, RFC7515_A1.lastIndexOf('.')));
    const mac = createHmac('sha256', Buffer.from(RFC7515_A1_KEY, 'base64url'))
      .update(parsed.signingInput)
      .digest();
    expect(Buffer.from(parsed.signature)).toEqual(mac);
    expect(parsed.signature).toHaveLength(32);
  });

  it('RFC 8037 A.4 (EdDSA over a text payload): the payload is text, not an error', () => {
    const parsed = jws(parseToken(RFC8037_A4));
    expect(parsed.header).toEqual({ alg: 'EdDSA' });
    expect(parsed.payload).toEqual({
      format: 'text',
      text: 'Example of Ed25519 signing',
      bytes: new TextEncoder().encode('Example of Ed25519 signing'),
    });
    expect(parsed.registered).toEqual({});
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: RFC8037_X }, format: 'jwk' });
    expect(verify(null, Buffer.from(parsed.signingInput), publicKey, parsed.signature)).toBe(true);
  });

  it('RFC 7519 §6.1 unsecured JWT: alg none, empty signature, no warning', () => {
    const parsed = jws(parseToken(RFC7519_UNSECURED));
    expect(parsed.header).toEqual({ alg: 'none' });
    expect(parsed.signature).toEqual(new Uint8Array(0));
    expect(parsed.registered.iss).toBe('joe');
    expect(parsed.warnings).toEqual([]);
  });

  describe('tokens minted with jose', () => {
    const now = 1_763_901_851; // 2025-11-23T12:44:11Z
    let rsa: GenerateKeyPairResult;
    let ec: GenerateKeyPairResult;
    let ed: GenerateKeyPairResult;
    beforeAll(async () => {
      [rsa, ec, ed] = await Promise.all([
        generateKeyPair('RS256'),
        generateKeyPair('ES256'),
        generateKeyPair('EdDSA', { crv: 'Ed25519' }),
      ]);
    });

    it('RS256', async () => {
      const token = await new SignJWT({ scope: 'read write' })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'rsa-1' })
        .setIssuer('https://issuer.example')
        .setSubject('user-7')
        .setAudience(['api', 'admin'])
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 3600)
        .setJti('jti-1')
        .sign(rsa.privateKey);
      const parsed = jws(parseToken(token));
      expect(parsed.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'rsa-1' });
      expect(parsed.registered).toEqual({
        iss: 'https://issuer.example',
        sub: 'user-7',
        aud: ['api', 'admin'],
        iat: now * 1000,
        nbf: now * 1000,
        exp: (now + 3600) * 1000,
        jti: 'jti-1',
      });
      expect(parsed.payload).toMatchObject({ format: 'claims', claims: { scope: 'read write' } });
      const key = KeyObject.from(rsa.publicKey);
      expect(verify('sha256', Buffer.from(parsed.signingInput), key, parsed.signature)).toBe(true);
    });

    it('ES256 (raw r‖s signature, 64 bytes)', async () => {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject('device')
        .sign(ec.privateKey);
      const parsed = jws(parseToken(token));
      expect(parsed.signature).toHaveLength(64);
      const key = { key: KeyObject.from(ec.publicKey), dsaEncoding: 'ieee-p1363' as const };
      expect(verify('sha256', Buffer.from(parsed.signingInput), key, parsed.signature)).toBe(true);
      expect(parsed.registered).toEqual({ sub: 'device' });
    });

    it('a Keyward Secret: EdDSA, kid, client_secret carrying an API key', async () => {
      const apiKey = generateApiKey('kw_');
      const token = await new SignJWT({ key_id: 'key-1', client_secret: apiKey })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: 'sig-2025' })
        .setIssuer('keyward')
        .setSubject('integration-1')
        .setJti('8c1f')
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 86_400)
        .sign(ed.privateKey);
      const parsed = jws(parseToken(`Bearer ${token}\n`));
      expect(parsed.header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: 'sig-2025' });
      expect(parsed.payload).toMatchObject({
        format: 'claims',
        claims: { key_id: 'key-1', client_secret: apiKey },
      });
      expect(parsed.registered.exp).toBe((now + 86_400) * 1000);
      expect(
        verify(null, Buffer.from(parsed.signingInput), KeyObject.from(ed.publicKey), parsed.signature),
      ).toBe(true);
    });

    it('RFC 7797 unencoded payload (b64: false): the payload segment is the payload', async () => {
      const secret = new Uint8Array(32).fill(7);
      const flattened = await new FlattenedSign(new TextEncoder().encode('$ 100 to Bob'))
        .setProtectedHeader({ alg: 'HS256', b64: false, crit: ['b64'] })
        .sign(secret);
      // jose returns the unencoded payload detached; the compact form carries it as is.
      expect(flattened.payload).toBe('');
      const token = `${flattened.protected ?? ''}.$ 100 to Bob.${flattened.signature}`;
      const parsed = jws(parseToken(token));
      expect(parsed.payload).toMatchObject({ format: 'text', text: '$ 100 to Bob' });
      expect(parsed.signingInput).toBe(`${token.split('.')[0]}.$ 100 to Bob`);
      const mac = createHmac('sha256', secret).update(parsed.signingInput).digest();
      expect(Buffer.from(parsed.signature)).toEqual(mac);
      expect(parsed.warnings).toEqual([]);
    });

    it('a JWE (5 segments) is refused with a clear reason, naming alg and enc', async () => {
      const token = await new CompactEncrypt(new TextEncoder().encode('secret'))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .encrypt(new Uint8Array(32));
      expect(errorOf(token)).toEqual({
        code: 'TOKEN_UNSUPPORTED',
        message: 'encrypted JWE tokens cannot be decoded offline without the key (alg dir, enc A256GCM)',
      });
    });
  });
});

describe('what users paste', () => {
  it('trims whitespace, Bearer, Authorization: and quotes; joins wrapped lines', () => {
    const inputs = [
      `   ${RFC7515_A1}   `,
      `\n\t${RFC7515_A1}\r\n`,
      `Bearer ${RFC7515_A1}`,
      `bearer  ${RFC7515_A1}`,
      `Authorization: Bearer ${RFC7515_A1}`,
      `"${RFC7515_A1}"`,
      RFC7515_A1.replace(/(.{30})/g, '$1\n  '),
      RFC7515_A1.replace(/(.{64})/g, '$1\r\n'),
    ];
    for (const input of inputs) {
      expect(jws(parseToken(input)).token).toBe(RFC7515_A1);
    }
  });

  it('a raw API key, with or without Bearer', () => {
    const key = formatApiKey('cb_', new Uint8Array(32).fill(9));
    for (const input of [key, ` Bearer ${key} `, `"${key}"`]) {
      expect(parseToken(input)).toEqual({
        ok: true,
        value: {
          kind: 'api-key',
          key,
          prefix: 'cb_',
          body: key.slice(3, 46),
          checksum: key.slice(46),
          checksumValid: true,
        },
      });
    }
  });

  it('a mistyped or malformed API key gets the key error', () => {
    const key = formatApiKey('kw_', new Uint8Array(32).fill(1));
    const typo = `${key.slice(0, 10)}${key.charAt(10) === 'a' ? 'b' : 'a'}${key.slice(11)}`;
    expect(errorOf(typo)).toEqual({
      code: 'BAD_KEY_CHECKSUM',
      message: 'the checksum does not match: this "kw_" key was mistyped, truncated or altered',
    });
    expect(errorOf(key.slice(0, 30))).toMatchObject({ code: 'INVALID_KEY_FORMAT' });
    expect(errorOf(`KW_${key.slice(3)}`)).toEqual({
      code: 'INVALID_KEY_FORMAT',
      message: "the prefix must be lowercase: 'K' at position 1",
      position: 1,
    });
  });
});

describe('precise errors', () => {
  it('TOKEN_EMPTY', () => {
    expect(errorOf('')).toEqual({
      code: 'TOKEN_EMPTY',
      message: 'nothing to decode: paste a token (header.payload.signature) or an API key',
    });
    expect(errorOf(' \n\t ')).toMatchObject({ code: 'TOKEN_EMPTY' });
    expect(errorOf('Bearer ')).toEqual({ code: 'TOKEN_EMPTY', message: 'nothing to decode after "Bearer"' });
    expect(errorOf('""')).toMatchObject({ code: 'TOKEN_EMPTY' });
    expect(errorOf(undefined as unknown as string)).toMatchObject({ code: 'TOKEN_EMPTY' });
  });

  it('TOKEN_TOO_LARGE: over 16 KiB of UTF-8, counted in bytes', () => {
    expect(MAX_TOKEN_BYTES).toBe(16_384);
    const header = b64('{"alg":"HS256"}');
    const fill = (total: number): string => `${header}.${'A'.repeat(total - header.length - 2)}.`;
    // Exactly at the limit the size is fine (the token then decodes or fails on its own merits).
    const atLimit = parseToken(fill(MAX_TOKEN_BYTES));
    expect(atLimit.ok || atLimit.error.code !== 'TOKEN_TOO_LARGE').toBe(true);
    expect(errorOf(fill(MAX_TOKEN_BYTES + 1))).toEqual({
      code: 'TOKEN_TOO_LARGE',
      message: 'the token is 16385 bytes; the limit is 16384 bytes (16 KiB)',
    });
    // 8193 characters, but 16386 bytes.
    expect(errorOf('é'.repeat(8193))).toEqual({
      code: 'TOKEN_TOO_LARGE',
      message: 'the token is 16386 bytes; the limit is 16384 bytes (16 KiB)',
    });
    // Surrounding whitespace does not count.
    const padded = `${' '.repeat(5000)}${fill(MAX_TOKEN_BYTES)}${'\n'.repeat(5000)}`;
    expect(parseToken(padded).ok || errorOf(padded).code !== 'TOKEN_TOO_LARGE').toBe(true);
  });

  it('TOKEN_TOO_LARGE: huge pastes are refused at once', () => {
    const started = performance.now();
    expect(errorOf('x'.repeat(50_000_000))).toEqual({
      code: 'TOKEN_TOO_LARGE',
      message: 'the text is over 1 MiB; a token may be at most 16384 bytes (16 KiB)',
    });
    expect(errorOf(`${'a.'.repeat(400_000)}a`)).toMatchObject({ code: 'TOKEN_TOO_LARGE' });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('TOKEN_SEGMENT_COUNT', () => {
    expect(errorOf('eyJhbGciOiJIUzI1NiJ9.e30')).toEqual({
      code: 'TOKEN_SEGMENT_COUNT',
      message: 'expected 3 dot-separated segments, got 2: is the signature missing, or the token cut off?',
    });
    expect(errorOf(`${RFC7515_A1}.`)).toEqual({
      code: 'TOKEN_SEGMENT_COUNT',
      message: 'expected 3 dot-separated segments, got 4: is there a stray "."?',
    });
    expect(errorOf('a.b.c.d.e.f')).toEqual({
      code: 'TOKEN_SEGMENT_COUNT',
      message: 'expected 3 dot-separated segments, got 6',
    });
    expect(errorOf('hello')).toEqual({
      code: 'TOKEN_SEGMENT_COUNT',
      message:
        'expected 3 dot-separated segments (header.payload.signature), got 1; nor is it an API key, which starts with a prefix such as "kw_"',
    });
  });

  it('TOKEN_UNSUPPORTED: JWE and JSON serialization', () => {
    expect(errorOf('a.b.c.d.e')).toEqual({
      code: 'TOKEN_UNSUPPORTED',
      message: 'encrypted JWE tokens cannot be decoded offline without the key',
    });
    expect(errorOf('{"payload":"e30","signatures":[]}')).toEqual({
      code: 'TOKEN_UNSUPPORTED',
      message:
        'this looks like a JSON-serialized JWS or JWE; paste the compact form (header.payload.signature)',
    });
  });

  it('TOKEN_NOT_BASE64URL names the segment and the 1-based position in it', () => {
    const [header = '', payload = '', signature = ''] = RFC7515_A1.split('.');
    expect(errorOf(`${header.slice(0, 5)}+${header.slice(6)}.${payload}.${signature}`)).toEqual({
      code: 'TOKEN_NOT_BASE64URL',
      message:
        "the header is not base64url: '+' at position 6 is standard base64, not base64url (which uses '-' instead)",
      segment: 'header',
      position: 6,
    });
    expect(errorOf(`${header}.${payload.slice(0, 11)} ${payload.slice(11)}.${signature}`)).toEqual({
      code: 'TOKEN_NOT_BASE64URL',
      message:
        "the payload is not base64url: a space at position 12 is not a base64url character (A–Z, a–z, 0–9, '-', '_')",
      segment: 'payload',
      position: 12,
    });
    expect(errorOf(`${header}.${payload}.${signature}=`)).toEqual({
      code: 'TOKEN_NOT_BASE64URL',
      segment: 'signature',
      position: 44,
      message:
        "the signature is not base64url: padding '=' at position 44 is not used in base64url; remove the trailing '='",
    });
    expect(errorOf(`${header}.${payload}.${signature.slice(0, -2)}`)).toEqual({
      code: 'TOKEN_NOT_BASE64URL',
      segment: 'signature',
      message:
        'the signature is not base64url: 41 characters cannot be base64url: the last group has a single character (is it cut off?)',
    });
  });

  it('TOKEN_NOT_JSON for the header or payload', () => {
    expect(errorOf(`.${b64('{}')}.`)).toEqual({
      code: 'TOKEN_NOT_JSON',
      message: 'the header is empty',
      segment: 'header',
    });
    expect(errorOf(tokenOf('not json', '{}'))).toEqual({
      code: 'TOKEN_NOT_JSON',
      segment: 'header',
      message: 'the header is not valid JSON',
    });
    expect(errorOf(tokenOf('{"alg":"HS256",}', '{}'))).toEqual({
      code: 'TOKEN_NOT_JSON',
      segment: 'header',
      message: 'the header is not valid JSON (error at character 16 of the decoded header)',
    });
    expect(errorOf(`${encodeBase64Url(new Uint8Array([0xff, 0xfe]))}.e30.`)).toEqual({
      code: 'TOKEN_NOT_JSON',
      message: 'the header is not UTF-8 text, so it cannot be JSON',
      segment: 'header',
    });
    // A payload cut short while it was clearly JSON.
    expect(errorOf(tokenOf({ alg: 'HS256' }, '{"sub":"12'))).toMatchObject({
      code: 'TOKEN_NOT_JSON',
      segment: 'payload',
      message: 'the payload is not valid JSON (it ends too early: is the token cut off?)',
    });
    // typ JWT promises a claims set.
    expect(errorOf(tokenOf({ alg: 'HS256', typ: 'JWT' }, 'hello'))).toEqual({
      code: 'TOKEN_NOT_JSON',
      segment: 'payload',
      message: 'the payload is not valid JSON, but the header says typ "JWT"',
    });
    expect(
      errorOf(`${b64('{"alg":"HS256","typ":"at+jwt"}')}.${encodeBase64Url(new Uint8Array([0xff]))}.`),
    ).toMatchObject({
      code: 'TOKEN_NOT_JSON',
      message: 'the payload is not UTF-8 text, so it cannot be JSON, but the header says typ "at+jwt"',
    });
  });

  it('JSON error details never quote the decoded text', () => {
    const error = errorOf(tokenOf({ alg: 'HS256', typ: 'JWT' }, '{"client_secret": kw_SECRETSECRET}'));
    expect(error.code).toBe('TOKEN_NOT_JSON');
    expect(error.message).not.toContain('SECRET');
  });

  it('TOKEN_HEADER_INVALID: not an object, or no string alg', () => {
    expect(errorOf(tokenOf('[1,2]', '{}'))).toEqual({
      code: 'TOKEN_HEADER_INVALID',
      message: 'the header must be a JSON object, got an array',
      segment: 'header',
    });
    expect(errorOf(tokenOf('"HS256"', '{}')).message).toBe('the header must be a JSON object, got a string');
    expect(errorOf(tokenOf('null', '{}')).message).toBe('the header must be a JSON object, got null');
    expect(errorOf(tokenOf({ typ: 'JWT' }, '{}')).message).toBe(
      'the header needs an "alg" string parameter; it has none',
    );
    expect(errorOf(tokenOf({ alg: 256 }, '{}')).message).toBe(
      'the header needs an "alg" string parameter; got a number',
    );
    expect(errorOf(tokenOf({ alg: '' }, '{}')).message).toBe(
      'the header needs an "alg" string parameter; it is empty',
    );
  });

  it('TOKEN_PAYLOAD_NOT_OBJECT: a JWT whose payload is JSON but not an object', () => {
    expect(errorOf(tokenOf({ alg: 'HS256', typ: 'JWT' }, '[1,2,3]'))).toEqual({
      code: 'TOKEN_PAYLOAD_NOT_OBJECT',
      message: 'the payload must be a JSON object of claims, got an array, but the header says typ "JWT"',
      segment: 'payload',
    });
    expect(errorOf(tokenOf({ alg: 'HS256', typ: 'application/jwt' }, '42')).code).toBe(
      'TOKEN_PAYLOAD_NOT_OBJECT',
    );
  });
});

describe('payloads a JWS may carry', () => {
  it('without typ JWT, JSON that is not an object is shown as text', () => {
    expect(jws(parseToken(tokenOf({ alg: 'HS256' }, '[1,2,3]'))).payload).toMatchObject({
      format: 'text',
      text: '[1,2,3]',
    });
    expect(jws(parseToken(tokenOf({ alg: 'HS256' }, '42'))).payload).toMatchObject({
      format: 'text',
      text: '42',
    });
  });

  it('bytes that are not UTF-8 are shown as binary', () => {
    const token = `${b64('{"alg":"HS256"}')}.${encodeBase64Url(new Uint8Array([0, 0xff, 0x80]))}.c2ln`;
    expect(jws(parseToken(token)).payload).toEqual({
      format: 'binary',
      bytes: new Uint8Array([0, 0xff, 0x80]),
    });
  });

  it('a nested JWT (cty JWT) is text, with a hint', () => {
    const parsed = jws(parseToken(tokenOf({ alg: 'HS256', typ: 'JWT', cty: 'JWT' }, RFC7515_A1)));
    expect(parsed.payload).toMatchObject({ format: 'text', text: RFC7515_A1 });
    expect(parsed.warnings).toContain('the payload is a nested JWT (cty "JWT"); decode it separately');
  });

  it('an empty payload (detached content) is allowed, with a warning', () => {
    const parsed = jws(parseToken(`${b64('{"alg":"HS256"}')}..c2ln`));
    expect(parsed.payload).toEqual({ format: 'text', text: '', bytes: new Uint8Array(0) });
    expect(parsed.warnings).toContain('the payload is empty (detached content, RFC 7515 Appendix F?)');
  });

  it('b64: false without crit is decoded, with a warning', () => {
    const parsed = jws(parseToken(`${b64('{"alg":"HS256","b64":false}')}.raw payload!.c2ln`));
    expect(parsed.payload).toMatchObject({ format: 'text', text: 'raw payload!' });
    expect(parsed.warnings[0]).toContain('without listing "b64" in "crit"');
  });

  it('warns about malformed registered claims and signature oddities but still decodes', () => {
    const parsed = jws(parseToken(tokenOf({ alg: 'HS256', typ: 'JWT' }, '{"exp":"tomorrow","sub":"x"}', '')));
    expect(parsed.registered).toEqual({ sub: 'x' });
    expect(parsed.warnings).toEqual([
      'the signature is empty, although alg is "HS256"',
      '"exp" should be a NumericDate (seconds since 1970), got a string',
    ]);
    expect(jws(parseToken(tokenOf({ alg: 'none' }, '{}', 'c2ln'))).warnings).toEqual([
      'alg is "none" (an unsecured JWS), yet a signature is present',
    ]);
  });
});

describe('fuzz: never throws, always a typed result', () => {
  function checkResult(input: string, secrets: readonly string[] = []): void {
    const result = parseToken(input);
    if (result.ok) {
      if (result.value.kind === 'jws') {
        expect(result.value.token.startsWith(result.value.signingInput)).toBe(true);
        expect(typeof result.value.header.alg).toBe('string');
      }
      return;
    }
    expect(ERROR_CODES).toContain(result.error.code);
    expect(result.error.message.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(result.error.message).not.toContain(secret);
    }
  }

  it('arbitrary text', () => {
    fc.assert(
      fc.property(fuzzText('eyJhbGciOiJIUzI1NiJ9.-_+/= \n'), (input) => {
        checkResult(input);
      }),
      { numRuns: 3000 },
    );
  });

  it('three segments of random base64url-ish text', () => {
    const segment = fc.oneof(
      fc.base64String().map((text) => text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        checkResult(segments.join('.'));
      }),
      { numRuns: 2000 },
    );
  });

  it('random headers and payloads, encoded properly', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.jsonValue(),
        fc.uint8Array({ maxLength: 70 }),
        (header, payload, signature) => {
          checkResult(
            `${b64(JSON.stringify(header) ?? '')}.${b64(JSON.stringify(payload) ?? '')}.${encodeBase64Url(signature)}`,
          );
          const withAlg = isRecord(header) ? { ...header, alg: 'HS256' } : { alg: 'HS256', typ: 'JWT' };
          checkResult(`${b64(JSON.stringify(withAlg))}.${b64(JSON.stringify(payload) ?? '')}.`);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a Secret with an API key inside, mangled: never crashes, never leaks the key', () => {
    const apiKey = generateApiKey('kw_');
    const secret = tokenOf(
      { alg: 'EdDSA', typ: 'JWT', kid: 'k1' },
      JSON.stringify({ sub: 'i1', client_secret: apiKey }),
    );
    const edit = fc.tuple(fc.nat(secret.length), fc.nat(8), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let mangled = secret;
        for (const [at, remove, insert] of edits) {
          mangled = mangled.slice(0, at) + insert + mangled.slice(at + remove);
        }
        checkResult(mangled, [apiKey, apiKey.slice(3, 20), apiKey.slice(20, 40)]);
        checkResult(mangled.slice(0, mangled.length >> 1), [apiKey]);
      }),
      { numRuns: 2000 },
    );
  });
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
