import { join } from 'node:path';
import fc from 'fast-check';
import { CompactEncrypt, SignJWT, exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenDecoder } from '../../../../electron/vault/decoder/token-decoder.ts';
import type {
  DecodedApiKey,
  DecodedJws,
  DecodeReport,
} from '../../../../electron/vault/decoder/token-decoder.ts';
import { KeywardEngine } from '../../../../electron/vault/keyward-engine.ts';
import { DAY_MS } from '../../../../electron/vault/keys/key-lifecycle.ts';
import { SecretMinter } from '../../../../electron/vault/secrets/secret-minter.ts';
import { SigningKeys } from '../../../../electron/vault/secrets/signing-keys.ts';
import { encodeBase64Url } from '../../../../shared/encoding/base64url.ts';
import { generateApiKey } from '../../../../shared/keys/key-format.ts';
import { codeOfAsync } from '../../../support/checks.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { RFC7515_A1, RFC7515_A1_KEY, RFC8037_A4, RFC8037_X } from '../../../support/jose-vectors.ts';
import { makeLifecycle } from '../../../support/lifecycle-fixture.ts';
import { makeTempDir, MemoryKeychain } from '../../../support/temp-vault.ts';
import { anyUtf16, fuzzText } from '../../shared/fuzz-strings.ts';

const actor = { actor: 'owner@test' };
const HOUR = 3_600_000;
const UTC_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

const RFC7515_A1_JWK = JSON.stringify({ kty: 'oct', k: RFC7515_A1_KEY });
const RFC8037_JWK = JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: RFC8037_X });

// The decoder never touches the network: every test here runs with a fetch that fails the test.
const realFetch = globalThis.fetch;
const fetchStub = vi.fn(() => {
  throw new Error('the decoder must never use the network');
});
beforeAll(() => {
  globalThis.fetch = fetchStub;
});
afterAll(() => {
  globalThis.fetch = realFetch;
  expect(fetchStub).not.toHaveBeenCalled();
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

/** A vault database with an integration, its signing keys, a minter and a decoder over them. */
function setup(options: { ipAcl?: string[]; graceDays?: number } = {}) {
  const made = makeLifecycle(Date.UTC(2026, 0, 1, 9));
  cleanups.push(made.cleanup);
  const { db, clock, log, lifecycle, integrations, verification } = made;
  const vaultId = '11111111-2222-4333-8444-555555555555';
  const signingKeys = new SigningKeys(db, clock, log);
  const minter = new SecretMinter({ lifecycle, signingKeys, clock, vaultId });
  const decoder = new TokenDecoder({ clock, signingKeys, verification, vaultId });
  const { integration, key } = integrations.createIntegration(
    {
      name: 'Payments',
      platform: 'server',
      ipAcl: options.ipAcl ?? ['10.0.0.0/8', '2001:db8::/32'],
      graceDays: options.graceDays ?? 7,
    },
    actor,
  );
  return { ...made, vaultId, signingKeys, minter, decoder, integration, key };
}

function jws(report: DecodeReport): DecodedJws {
  if (!report.ok) {
    throw new Error(`expected a decoded token, got ${report.error.code}: ${report.error.message}`);
  }
  if (report.value.kind !== 'jws') {
    throw new Error('expected a JWS');
  }
  return report.value;
}

function apiKey(report: DecodeReport): DecodedApiKey {
  if (!report.ok || report.value.kind !== 'api-key') {
    throw new Error('expected a decoded API key');
  }
  return report.value;
}

/** A token with its payload replaced (signature kept): what an attacker editing claims produces. */
function withPayload(token: string, edit: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  edit(claims);
  return `${header}.${encodeBase64Url(new TextEncoder().encode(JSON.stringify(claims)))}.${signature}`;
}

describe('Secrets minted by this vault', () => {
  it('verify with the vault key and show the integration, key status, ACL and acceptance', async () => {
    const { minter, decoder, integration, key, lifecycle, vaultId } = setup();
    const secret = await minter.mint(integration.id, 24);
    const material = lifecycle.material(key.id);

    const report = await decoder.decode(`Bearer ${secret.token}`, { utc: true });
    const decoded = jws(report);
    expect(decoded.signature).toMatchObject({
      status: 'verified-vault',
      alg: 'EdDSA',
      kid: secret.kid,
      key: { source: 'vault', kid: secret.kid, published: true },
    });
    expect(decoded.signature.message).toBe("verified: signed by this vault's signing key");
    expect(decoded.issuer).toBe('this-vault');
    expect(decoded.vault).toEqual({ checked: true, vaultId });
    expect(decoded.header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: secret.kid });
    expect(decoded.headerText).toBe(JSON.stringify(decoded.header, null, 2));
    expect(decoded.registered).toMatchObject({
      iss: `urn:keyward:vault:${vaultId}`,
      sub: integration.id,
      jti: secret.jti,
      iat: { epochMs: secret.issuedAt, text: '2026-01-01T09:00:00Z', relative: 'now' },
      nbf: { epochMs: secret.issuedAt },
      exp: { epochMs: secret.expiresAt, text: '2026-01-02T09:00:00Z', relative: 'in 1 d' },
    });
    expect(decoded.validity).toEqual({ state: 'valid', text: 'valid for 1 d' });
    expect(decoded.clientSecret).toEqual({
      masked: `${material.slice(0, 8)}…`,
      format: { valid: true, prefix: 'kw_' },
      match: {
        state: 'found',
        integration: {
          id: integration.id,
          name: 'Payments',
          platform: 'server',
          enabled: true,
          ipAcl: ['10.0.0.0/8', '2001:db8::/32'],
        },
        key: {
          id: key.id,
          masked: key.masked,
          status: 'active',
          recordedStatus: 'active',
          createdAt: expect.objectContaining({ epochMs: key.createdAt }) as unknown,
          expiresAt: expect.objectContaining({
            epochMs: key.expiresAt,
            text: '2027-01-01T09:00:00Z',
          }) as unknown,
          graceEndsAt: null,
        },
        accepted: true,
        notAcceptedReason: null,
      },
    });
    expect(decoded.payload.format).toBe('claims');
    expect(decoded.payloadText).toContain(`"client_secret": "${material.slice(0, 8)}…"`);
    expect(decoded.warnings).toEqual([]);
    // Shown on screen and maybe logged: never the key, never the whole token.
    const serialized = JSON.stringify(report);
    expect(serialized).not.toContain(material);
    expect(serialized).not.toContain(material.slice(8));
    expect(serialized).not.toContain(secret.token.split('.')[1]);
  });

  it('respects the utc flag (and the injected setting) for every time', async () => {
    const made = setup();
    const secret = await made.minter.mint(made.integration.id);
    const local = jws(await made.decoder.decode(secret.token, { utc: false, timeZone: 'Asia/Kolkata' }));
    expect(local.registered.exp?.text).toBe('2026-01-02T14:30:00+05:30');
    const byDefault = jws(await made.decoder.decode(secret.token, { timeZone: 'Asia/Kolkata' }));
    expect(byDefault.registered.iat?.text).toBe('2026-01-01T14:30:00+05:30');
    const withSetting = new TokenDecoder({
      clock: made.clock,
      signingKeys: made.signingKeys,
      verification: made.verification,
      utc: () => true,
    });
    const utc = jws(await withSetting.decode(secret.token));
    for (const value of [utc.registered.iat, utc.registered.nbf, utc.registered.exp]) {
      expect(value?.text).toMatch(UTC_TIME);
    }
    const match = utc.clientSecret?.match;
    expect(match?.state === 'found' ? match.key.createdAt.text : '').toMatch(UTC_TIME);
  });

  it('after a rotation the old key shows grace (accepted until its end), then expired', async () => {
    const { minter, decoder, integration, lifecycle, due, clock } = setup({ graceDays: 7 });
    const old = await minter.mint(integration.id);
    clock.advance(HOUR);
    lifecycle.rotate(integration.id, actor);
    const rotatedAt = clock.now();

    const inGrace = jws(await decoder.decode(old.token, { utc: true }));
    expect(inGrace.signature.status).toBe('verified-vault');
    expect(inGrace.clientSecret?.match).toMatchObject({
      state: 'found',
      key: {
        status: 'grace',
        recordedStatus: 'grace',
        graceEndsAt: { epochMs: rotatedAt + 7 * DAY_MS, text: '2026-01-08T10:00:00Z', relative: 'in 7 d' },
      },
      accepted: true,
      notAcceptedReason: null,
    });

    clock.advance(7 * DAY_MS);
    const ended = jws(await decoder.decode(old.token, { utc: true }));
    expect(ended.validity?.state).toBe('expired');
    expect(ended.signature.status).toBe('verified-vault');
    // Before the vault records it (no scheduler run yet) the report already says expired…
    expect(ended.clientSecret?.match).toMatchObject({
      state: 'found',
      key: { status: 'expired', recordedStatus: 'grace' },
      accepted: false,
      notAcceptedReason: 'KEY_EXPIRED',
    });
    // …and after it does, the same.
    due.runDue();
    expect((jws(await decoder.decode(old.token)).clientSecret?.match as { key: unknown }).key).toMatchObject({
      status: 'expired',
      recordedStatus: 'expired',
      graceEndsAt: { epochMs: rotatedAt + 7 * DAY_MS },
    });
    // The current Secret wraps the new key, which is active and accepted.
    const fresh = jws(await decoder.decode((await minter.mint(integration.id)).token));
    expect(fresh.clientSecret?.match).toMatchObject({ key: { status: 'active' }, accepted: true });
  });

  it('a Secret signed by a retired signing key still verifies', async () => {
    const { minter, decoder, integration, signingKeys, clock } = setup();
    const before = await minter.mint(integration.id, 24);
    const newKid = await signingKeys.rotate(actor);
    const after = await minter.mint(integration.id, 24);
    expect(after.kid).toBe(newKid);
    expect(newKid).not.toBe(before.kid);

    const retired = jws(await decoder.decode(before.token));
    expect(retired.signature).toMatchObject({
      status: 'verified-vault',
      kid: before.kid,
      key: { source: 'vault', kid: before.kid, published: true },
    });
    expect(jws(await decoder.decode(after.token)).signature.status).toBe('verified-vault');

    // Once its last Secret has expired the retired key leaves the JWKS; its old Secrets still verify.
    clock.advance(25 * HOUR);
    const unpublished = jws(await decoder.decode(before.token));
    expect(unpublished.signature.status).toBe('verified-vault');
    expect(unpublished.signature.key).toEqual({ source: 'vault', kid: before.kid, published: false });
    expect(unpublished.signature.message).toContain('retired signing key');
    expect(unpublished.validity?.state).toBe('expired');
  });

  it('a tampered payload, a swapped alg, or a forged kid is INVALID', async () => {
    const { minter, decoder, integration, integrations, vaultId } = setup();
    const secret = await minter.mint(integration.id);
    const other = integrations.createIntegration({ name: 'Other', platform: 'web' }, actor);

    const longer = withPayload(secret.token, (claims) => {
      claims.exp = Number(claims.exp) + 365 * 86_400;
    });
    const stolen = withPayload(secret.token, (claims) => {
      claims.sub = other.integration.id;
    });
    for (const token of [longer, stolen]) {
      const decoded = jws(await decoder.decode(token));
      expect(decoded.signature.status).toBe('invalid');
      expect(decoded.signature.message).toMatch(/^INVALID SIGNATURE: .*do not trust it/);
      expect(decoded.signature.key).toMatchObject({ source: 'vault', kid: secret.kid });
    }
    // The claims are still shown (the user sees what was altered), with the key matched.
    expect(jws(await decoder.decode(stolen)).warnings).toContain(
      '"sub" is not the id of the integration that owns "client_secret"',
    );

    // A flipped signature character.
    const [h, p, s = ''] = secret.token.split('.');
    const flipped = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
    expect(jws(await decoder.decode(flipped)).signature.status).toBe('invalid');

    // alg confusion: the vault's kid on an HS256 token.
    const confused = await new SignJWT({ iss: `urn:keyward:vault:${vaultId}` })
      .setProtectedHeader({ alg: 'HS256', kid: secret.kid })
      .sign(new TextEncoder().encode('x'.repeat(32)));
    const confusion = jws(await decoder.decode(confused));
    expect(confusion.signature.status).toBe('invalid');
    expect(confusion.signature.message).toContain('not EdDSA');

    // This vault's iss signed by a key the vault never had.
    const { privateKey } = await generateKeyPair('EdDSA');
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: 'not-a-vault-kid' })
      .setIssuer(`urn:keyward:vault:${vaultId}`)
      .sign(privateKey);
    const forgery = jws(await decoder.decode(forged));
    expect(forgery.signature.status).toBe('invalid');
    expect(forgery.signature.message).toContain('"iss" names this vault');
  });

  it('without the vault it still decodes, and says what was not checked', async () => {
    const { minter, integration, clock, lifecycle, key } = setup();
    const secret = await minter.mint(integration.id);
    const offline = new TokenDecoder({ clock, vaultUnavailable: 'the vault is locked' });
    const report = await offline.decode(secret.token);
    const decoded = jws(report);
    expect(decoded.vault).toEqual({ checked: false, reason: 'the vault is locked' });
    expect(decoded.issuer).toBe('keyward');
    expect(decoded.signature.status).toBe('unverified');
    expect(decoded.signature.message).toBe(
      "unverified: unknown issuer (a Secret from another Keyward vault: import that vault's JWKS " +
        '(`keyward jwks`) to verify it; vault signing keys not checked: the vault is locked)',
    );
    expect(decoded.clientSecret?.match).toEqual({ state: 'not-checked', reason: 'the vault is locked' });
    expect(decoded.clientSecret?.format).toEqual({ valid: true, prefix: 'kw_' });
    expect(JSON.stringify(report)).not.toContain(lifecycle.material(key.id));
  });

  it('the engine offers the decoder over its own vault', async () => {
    const { dir, cleanup } = makeTempDir();
    const engine = new KeywardEngine({
      path: join(dir, 'k.vault'),
      clock: new FakeClock(Date.UTC(2026, 10, 23, 12)),
      keychain: new MemoryKeychain(),
      actor: 'owner@test',
    });
    cleanups.push(() => {
      engine.lock();
      cleanup();
    });
    await engine.create('engine test password');
    engine.updateSettings({ utc: true });
    const { integration } = engine.createIntegration({ name: 'Billing', platform: 'server' });
    await engine.reauthenticate({ password: 'engine test password' });
    const secret = await engine.mintSecret(integration.id);
    const decoded = jws(await engine.decode(secret.token));
    expect(decoded.signature.status).toBe('verified-vault');
    expect(decoded.issuer).toBe('this-vault');
    expect(decoded.registered.exp?.text).toBe('2026-11-24T12:00:00Z');
    expect(decoded.clientSecret?.match).toMatchObject({ integration: { name: 'Billing' }, accepted: true });
  });
});

describe('tokens from other issuers', () => {
  it('RFC 7515 A.1 (HS256) is unverified unless its shared secret is given explicitly', async () => {
    const { decoder } = setup();
    const unverified = jws(await decoder.decode(RFC7515_A1, { utc: true }));
    expect(unverified.signature.status).toBe('unverified');
    expect(unverified.signature.message).toContain(
      'HS256 uses a shared secret, which is never used unless given explicitly',
    );
    expect(unverified.issuer).toBe('other');
    expect(unverified.registered.exp).toMatchObject({
      epochMs: 1_300_819_380_000,
      text: '2011-03-22T18:43:00Z',
    });
    expect(unverified.validity?.state).toBe('expired');
    expect(unverified.payload).toEqual({
      format: 'claims',
      claims: { iss: 'joe', exp: 1_300_819_380, 'http://example.com/is_root': true },
    });

    // A shared secret is never picked up implicitly.
    expect(await codeOfAsync(decoder.importTrustedKeys(RFC7515_A1_JWK))).toBe('INVALID_INPUT');
    const [info] = await decoder.importTrustedKeys(RFC7515_A1_JWK, { sharedSecrets: true, label: 'rfc.jwk' });
    expect(info).toEqual({
      label: 'rfc.jwk',
      kid: null,
      type: 'oct',
      curve: null,
      alg: null,
      thumbprint: null,
    });
    const verified = jws(await decoder.decode(RFC7515_A1));
    expect(verified.signature).toMatchObject({
      status: 'verified-imported',
      key: { source: 'imported', label: 'rfc.jwk', type: 'oct' },
    });
    expect(JSON.stringify(verified)).not.toContain(RFC7515_A1_KEY);
  });

  it('HS256 with the wrong shared secret is INVALID', async () => {
    const { decoder } = setup();
    decoder.importSharedSecret(new TextEncoder().encode('not the right secret at all'), { label: 'typed' });
    const decoded = jws(await decoder.decode(RFC7515_A1));
    expect(decoded.signature.status).toBe('invalid');
    expect(decoded.signature.message).toMatch(/^INVALID SIGNATURE: it does not verify with the imported key/);
  });

  it('RS256 and ES256 tokens are unverified, then verified after importing their JWKS or PEM', async () => {
    const { decoder, clock } = setup();
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const ec = await generateKeyPair('ES256', { extractable: true });
    const now = Math.floor(clock.now() / 1000);
    const rsToken = await new SignJWT({ scope: 'read' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setIssuer('https://issuer.example')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(rsa.privateKey);
    const esToken = await new SignJWT({ scope: 'write' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer('https://other.example')
      .setNotBefore(now + 60)
      .sign(ec.privateKey);

    for (const token of [rsToken, esToken]) {
      const decoded = jws(await decoder.decode(token));
      expect(decoded.signature.status).toBe('unverified');
      expect(decoded.signature.message).toMatch(/^unverified: unknown issuer/);
      expect(decoded.issuer).toBe('other');
    }
    expect(jws(await decoder.decode(esToken)).validity).toEqual({
      state: 'not-yet-valid',
      text: 'not yet valid (starts in 1 m)',
    });

    const jwks = JSON.stringify({
      keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', use: 'sig' }],
    });
    const imported = await decoder.importTrustedKeys(jwks, { label: 'issuer-jwks.json' });
    expect(imported).toEqual([
      {
        label: 'issuer-jwks.json',
        kid: 'rsa-1',
        type: 'RSA',
        curve: null,
        alg: null,
        thumbprint: expect.stringMatching(/^[\w-]{43}$/) as unknown,
      },
    ]);
    expect(jws(await decoder.decode(rsToken)).signature).toMatchObject({
      status: 'verified-imported',
      kid: 'rsa-1',
      key: { source: 'imported', kid: 'rsa-1', label: 'issuer-jwks.json' },
    });
    expect(jws(await decoder.decode(esToken)).signature.status).toBe('unverified');

    await decoder.importTrustedKeys(await exportSPKI(ec.publicKey), { label: 'ec.pem' });
    expect(jws(await decoder.decode(esToken)).signature).toMatchObject({
      status: 'verified-imported',
      key: { source: 'imported', kid: null, type: 'EC', curve: 'P-256', label: 'ec.pem' },
    });
    // A kid that names an imported key must verify with it.
    const forgedRs = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .sign((await generateKeyPair('RS256')).privateKey);
    expect(jws(await decoder.decode(forgedRs)).signature.status).toBe('invalid');
    // The same PEM, or the same JWKS, twice adds nothing.
    await decoder.importTrustedKeys(await exportSPKI(ec.publicKey));
    expect(decoder.trustedKeys()).toHaveLength(2);
    decoder.clearTrustedKeys();
    expect(jws(await decoder.decode(rsToken)).signature.status).toBe('unverified');
  });

  it('RFC 8037 A.4 (EdDSA over text, no kid) verifies with its public JWK', async () => {
    const { decoder } = setup();
    expect(jws(await decoder.decode(RFC8037_A4)).signature.status).toBe('unverified');
    await decoder.importTrustedKeys(RFC8037_JWK);
    const decoded = jws(await decoder.decode(RFC8037_A4));
    expect(decoded.signature.status).toBe('verified-imported');
    expect(decoded.payload).toEqual({ format: 'text', text: 'Example of Ed25519 signing' });
    expect(decoded.validity).toBeNull();
  });

  it('never fetches a key: jku, x5u and a Keyward iss stay unverified, with no network use', async () => {
    const { decoder } = setup();
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({})
      .setProtectedHeader({
        alg: 'ES256',
        kid: 'remote',
        jku: 'https://issuer.example/jwks.json',
        x5u: 'https://issuer.example/cert.pem',
      })
      .setIssuer('urn:keyward:vault:99999999-2222-4333-8444-555555555555')
      .sign(privateKey);
    const decoded = jws(await decoder.decode(token));
    expect(decoded.issuer).toBe('keyward');
    expect(decoded.signature.status).toBe('unverified');
    expect(decoded.signature.message).toContain("import that vault's JWKS");
    expect(fetchStub).not.toHaveBeenCalled();
  });

  it('refuses private keys and explains unusable input, never quoting it', async () => {
    const { decoder } = setup();
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const pkcs8 = await exportPKCS8(rsa.privateKey);
    const privateJwk = JSON.stringify(await exportJWK(rsa.privateKey));
    for (const [text, message] of [
      [pkcs8, 'PEM block 1 (PRIVATE KEY) is a private key'],
      [privateJwk, 'the JWK is a private key'],
      [
        '{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}]}',
        'key 1 of the JWKS (kty "EC") is not a usable public key',
      ],
      ['https://issuer.example/.well-known/jwks.json', 'expected a JWKS or a JWK (JSON), or a PEM'],
      ['{"keys": 5}', 'the JSON is neither a JWKS'],
      ['', 'no trusted keys given'],
    ] as const) {
      const failure = decoder.importTrustedKeys(text);
      await expect(failure).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      const error = (await failure.catch((caught: unknown) => caught)) as Error;
      expect(error.message).toContain(message);
      expect(error.message).not.toContain('MII');
    }
    expect(decoder.trustedKeys()).toEqual([]);
  });

  it('alg none is an unsigned token; unknown algs are unsupported', async () => {
    const { decoder } = setup();
    const none = 'eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UifQ.';
    expect(jws(await decoder.decode(none)).signature).toMatchObject({
      status: 'unsupported-alg',
      alg: 'none',
      message: expect.stringMatching(/^unsigned token/) as unknown,
    });
    const header = encodeBase64Url(new TextEncoder().encode('{"alg":"ES256K"}'));
    const odd = `${header}.eyJpc3MiOiJqb2UifQ.AAAA`;
    expect(jws(await decoder.decode(odd)).signature).toMatchObject({
      status: 'unsupported-alg',
      message: expect.stringContaining('alg "ES256K" cannot be verified here') as unknown,
    });
  });

  it('a JWE gets the parser TOKEN_UNSUPPORTED; malformed input gets its precise error', async () => {
    const { decoder } = setup();
    const jwe = await new CompactEncrypt(new TextEncoder().encode('secret'))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(new Uint8Array(32));
    expect(await decoder.decode(jwe)).toEqual({
      ok: false,
      error: {
        code: 'TOKEN_UNSUPPORTED',
        message: 'encrypted JWE tokens cannot be decoded offline without the key (alg dir, enc A256GCM)',
      },
    });
    expect(await decoder.decode('abc.def')).toMatchObject({
      ok: false,
      error: { code: 'TOKEN_SEGMENT_COUNT' },
    });
    expect(await decoder.decode('eyJhbGciOiJIUzI1NiJ9.e+y.abc')).toMatchObject({
      ok: false,
      error: { code: 'TOKEN_NOT_BASE64URL', segment: 'payload', position: 2 },
    });
    expect(await decoder.decode('   ')).toMatchObject({ ok: false, error: { code: 'TOKEN_EMPTY' } });
  });
});

describe('raw API keys', () => {
  it('a pasted vault key: prefix and checksum valid, with its vault match; never the key itself', async () => {
    const { decoder, lifecycle, key, integration } = setup({ ipAcl: [] });
    const material = lifecycle.material(key.id);
    const report = await decoder.decode(`  "${material}"\n`);
    const decoded = apiKey(report);
    expect(decoded.key.masked).toBe(`${material.slice(0, 8)}…`);
    expect(decoded.key.format).toEqual({ valid: true, prefix: 'kw_' });
    expect(decoded.key.match).toMatchObject({
      state: 'found',
      integration: { id: integration.id, name: 'Payments', ipAcl: [] },
      key: { id: key.id, status: 'active' },
      accepted: true,
    });
    expect(JSON.stringify(report)).not.toContain(material);

    const unknown = apiKey(await decoder.decode(generateApiKey('cb_')));
    expect(unknown.key).toMatchObject({
      format: { valid: true, prefix: 'cb_' },
      match: { state: 'not-in-vault' },
    });
  });

  it('a bad checksum is the precise typed error', async () => {
    const { decoder, lifecycle, key } = setup();
    const material = lifecycle.material(key.id);
    const last = material.at(-1) === 'A' ? 'B' : 'A';
    const report = await decoder.decode(`${material.slice(0, -1)}${last}`);
    expect(report).toEqual({
      ok: false,
      error: {
        code: 'BAD_KEY_CHECKSUM',
        message: 'the checksum does not match: this "kw_" key was mistyped, truncated or altered',
      },
    });
    expect(await decoder.decode('kw_abc')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_KEY_FORMAT' },
    });
  });

  it('acceptance agrees with the lifecycle (master list) in every state', async () => {
    const { decoder, lifecycle, due, integrations, verification, integration, clock, key } = setup({
      graceDays: 2,
    });
    const materials = [lifecycle.material(key.id)];
    const expectAgreement = async (): Promise<void> => {
      for (const material of materials) {
        const match = apiKey(await decoder.decode(material)).key.match;
        const check = verification.check(material);
        expect(match.state === 'found' && match.accepted).toBe(check.accepted);
      }
    };
    await expectAgreement();
    lifecycle.rotate(integration.id, actor); // first key: grace
    materials.push(lifecycle.material(lifecycle.activeKey(integration.id).id));
    await expectAgreement();
    lifecycle.revoke(integration.id, { graceDays: 0, newLifetimeDays: 1 }, actor); // second: revoked
    materials.push(lifecycle.material(lifecycle.activeKey(integration.id).id));
    await expectAgreement();
    integrations.setEnabled(integration.id, false, actor);
    await expectAgreement();
    integrations.setEnabled(integration.id, true, actor);
    clock.advance(3 * DAY_MS); // grace over, third key past its 1-day expiry (not yet rotated)
    await expectAgreement();
    due.runDue();
    await expectAgreement();
  });
});

describe('fuzzing', () => {
  const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

  async function expectTyped(
    decoder: TokenDecoder,
    input: string,
    secrets: readonly string[],
  ): Promise<void> {
    const report = await decoder.decode(input);
    if (!report.ok) {
      expect(report.error.code).not.toBe('DECODE_FAILED');
      expect(typeof report.error.message).toBe('string');
    }
    const serialized = JSON.stringify(report);
    for (const secret of secrets) {
      expect(serialized).not.toContain(secret);
    }
  }

  it('random text always gets a typed answer', async () => {
    const { decoder } = setup();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fuzzText(BASE64URL, 120), anyUtf16(200)), async (input) => {
        await expectTyped(decoder, input, []);
      }),
      { numRuns: 400 },
    );
  });

  it('mutated real Secrets (flips, truncations, extra dots) never throw and never show the key', async () => {
    const { decoder, minter, integration, lifecycle, key } = setup();
    const secret = await minter.mint(integration.id);
    const material = lifecycle.material(key.id);
    const token = secret.token;
    const mutation = fc.oneof(
      fc
        .tuple(fc.nat({ max: token.length - 1 }), fc.constantFrom(...BASE64URL, ' ', '+', '/', '=', 'é'))
        .map(([at, char]) => token.slice(0, at) + char + token.slice(at + 1)),
      fc.nat({ max: token.length }).map((at) => token.slice(0, at)),
      fc.nat({ max: token.length }).map((at) => `${token.slice(0, at)}.${token.slice(at)}`),
      fc
        .array(fc.tuple(fc.nat({ max: token.length - 1 }), fc.constantFrom(...BASE64URL)), { maxLength: 6 })
        .map((flips) => {
          const chars = [...token];
          for (const [at, char] of flips) {
            chars[at] = char;
          }
          return chars.join('');
        }),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (input) => {
        await expectTyped(decoder, input, [material]);
      }),
      { numRuns: 500 },
    );
  });

  it('deeply nested or huge payloads still give a report that serialises', async () => {
    const { decoder } = setup();
    const deep = `{"a":${'['.repeat(6000)}${']'.repeat(6000)}}`;
    const token = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${encodeBase64Url(new TextEncoder().encode(deep))}.AAAA`;
    const decoded = jws(await decoder.decode(token));
    expect(decoded.warnings).toContain('the payload nests too deeply to show in full');
    expect(() => JSON.stringify(decoded)).not.toThrow();
    expect(await decoder.decode(`${token}${'A'.repeat(20_000)}`)).toMatchObject({
      ok: false,
      error: { code: 'TOKEN_TOO_LARGE' },
    });
  });

  it('key-shaped text anywhere in a token is masked', async () => {
    const { decoder, lifecycle, key } = setup();
    const material = lifecycle.material(key.id);
    const header = encodeBase64Url(
      new TextEncoder().encode(JSON.stringify({ alg: 'HS256', note: material })),
    );
    const payload = encodeBase64Url(
      new TextEncoder().encode(JSON.stringify({ nested: { list: [`Bearer ${material}`] }, [material]: 1 })),
    );
    const report = await decoder.decode(`${header}.${payload}.AAAA`);
    expect(JSON.stringify(report)).not.toContain(material);
    const text = encodeBase64Url(new TextEncoder().encode(`key=${material}`));
    const textReport = await decoder.decode(`eyJhbGciOiJIUzI1NiJ9.${text}.AAAA`);
    expect(jws(textReport).payloadText).toBe(`key=${material.slice(0, 8)}…`);
  });
});
