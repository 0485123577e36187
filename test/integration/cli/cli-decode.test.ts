import { statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, jwtVerify } from 'jose';
import { describe, it } from 'vitest';
import { createSystemClock } from '../../../electron/vault/clock.ts';
import { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { RFC7515_A1, RFC7515_A1_KEY } from '../../support/jose-vectors.ts';
import { engineInternals } from '../../support/engine-internals.ts';
import { MemoryKeychain } from '../../support/temp-vault.ts';
import { makeCliSandbox, parseJson, sha256 } from './cli-harness.ts';
import type { CliSandbox } from './cli-harness.ts';

// `keyward decode` and `keyward jwks`, spawned. The vault (an integration and a minted Secret) is
// made in-process with the engine; every CLI run that opens it pays one real Argon2id.
const PASSWORD = 'correct horse battery';
const UTC_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

interface VaultSandbox extends CliSandbox {
  token: string;
  kid: string;
  material: string;
  integrationId: string;
  keyId: string;
}

/** A sandbox whose vault has the integration "Payments" (with an IP ACL) and a fresh Secret. */
async function sandboxWithSecret(onTestFinished: (handler: () => void) => void): Promise<VaultSandbox> {
  const sandbox = makeCliSandbox(onTestFinished);
  const engine = new KeywardEngine({
    path: sandbox.vault,
    clock: createSystemClock(),
    keychain: new MemoryKeychain(),
    actor: 'owner@test',
  });
  try {
    await engine.create(PASSWORD);
    const { integration, key } = engine.createIntegration({
      name: 'Payments',
      platform: 'server',
      ipAcl: ['10.0.0.0/8'],
    });
    await engine.reauthenticate({ password: PASSWORD });
    const secret = await engine.mintSecret(integration.id);
    return {
      ...sandbox,
      token: secret.token,
      kid: secret.kid,
      material: engineInternals(engine).lifecycle.material(key.id),
      integrationId: integration.id,
      keyId: key.id,
    };
  } finally {
    engine.lock();
  }
}

const withPassword = { env: { KEYWARD_PASSWORD: PASSWORD } };

describe.concurrent('keyward decode', () => {
  it('verifies a vault Secret and shows its integration and key, never the key material', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = await sandboxWithSecret(onTestFinished);
    const json = await sandbox.cli(['decode', sandbox.token, '--json', '--utc'], withPassword);
    const text = await sandbox.cli(['decode', `Bearer ${sandbox.token}`], withPassword);
    expect(json.code, json.stderr).toBe(0);
    const report = parseJson(json.stdout);
    expect(report).toMatchObject({
      kind: 'jws',
      issuer: 'this-vault',
      signature: { status: 'verified-vault', alg: 'EdDSA', kid: sandbox.kid },
      validity: {
        state: 'valid',
        text: expect.stringMatching(/^valid for 23 h 59 m|^valid for 1 d/) as unknown,
      },
      registered: { sub: sandbox.integrationId, exp: { text: expect.stringMatching(UTC_TIME) as unknown } },
      clientSecret: {
        masked: `${sandbox.material.slice(0, 8)}…`,
        format: { valid: true, prefix: 'kw_' },
        match: {
          state: 'found',
          integration: { id: sandbox.integrationId, name: 'Payments', ipAcl: ['10.0.0.0/8'] },
          key: { id: sandbox.keyId, status: 'active', graceEndsAt: null },
          accepted: true,
        },
      },
      vault: { checked: true },
      warnings: [],
    });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("Signature:     verified: signed by this vault's signing key\n");
    expect(text.stdout).toMatch(/Integration: {2}Payments \([0-9a-f-]{36}, server\)\n/);
    expect(text.stdout).toContain('  IP ACL:       10.0.0.0/8\n');
    expect(text.stdout).toContain('  Accepted now: yes\n');
    expect(text.stdout).toMatch(/Expires: {7}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d \(in /);
    for (const run of [json, text]) {
      expect(run.stdout).not.toContain(sandbox.material);
      expect(run.stdout).not.toContain(sandbox.token.split('.')[1]);
      expect(run.stderr).toBe('');
    }
  });

  it('without a password or a remembered key it still decodes, and says what was not checked', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = await sandboxWithSecret(onTestFinished);
    const before = sha256(sandbox.vault);
    const [dash, piped, offline] = await Promise.all([
      sandbox.cli(['decode', '-', '--json'], { input: `${sandbox.token}\n` }),
      sandbox.cli(['decode'], { input: `Authorization: Bearer ${sandbox.token}` }),
      sandbox.cli(['decode', '--offline', '--json', sandbox.token], withPassword),
    ]);
    expect(dash.code, dash.stderr).toBe(0);
    const report = parseJson(dash.stdout);
    expect(report).toMatchObject({
      issuer: 'keyward',
      signature: { status: 'unverified' },
      clientSecret: { match: { state: 'not-checked' } },
      vault: { checked: false, reason: expect.stringContaining('the vault is locked') as unknown },
    });
    expect((report['signature'] as { message: string }).message).toContain('vault signing keys not checked');
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toContain('Vault:         not checked: the vault is locked and not remembered');
    expect(piped.stdout).toContain('  Vault key:    not checked:');
    expect(offline.code, offline.stderr).toBe(0);
    expect(parseJson(offline.stdout)['vault']).toEqual({ checked: false, reason: 'not opened (--offline)' });
    for (const run of [dash, piped, offline]) {
      expect(run.stdout).not.toContain(sandbox.material);
    }
    expect(sha256(sandbox.vault)).toBe(before);
  });

  it.skipIf(process.env['KEYWARD_TEST_KEYRING'] !== '1')(
    'a vault remembered on this device is used without a password (needs scripts/with-keyring.sh)',
    async ({ expect, onTestFinished }) => {
      const sandbox = await sandboxWithSecret(onTestFinished);
      const remembered = await sandbox.cli(['unlock', '--remember'], withPassword);
      expect(remembered.code, remembered.stderr).toBe(0);
      onTestFinished(async () => {
        await sandbox.cli(['lock']);
      });
      const decoded = await sandbox.cli(['decode', '--json', sandbox.token]);
      expect(decoded.code, decoded.stderr).toBe(0);
      expect(parseJson(decoded.stdout)).toMatchObject({
        signature: { status: 'verified-vault' },
        clientSecret: { match: { state: 'found', accepted: true } },
        vault: { checked: true },
      });
    },
  );

  it('a wrong password fails (exit 3); no vault at the path still decodes', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = await sandboxWithSecret(onTestFinished);
    const empty = makeCliSandbox(onTestFinished);
    const [wrong, noVault] = await Promise.all([
      sandbox.cli(['decode', sandbox.token, '--json'], { env: { KEYWARD_PASSWORD: 'not the password' } }),
      empty.cli(['decode', sandbox.token, '--json'], withPassword),
    ]);
    expect(wrong.code).toBe(3);
    expect(parseJson(wrong.stderr)).toMatchObject({ error: { code: 'WRONG_PASSWORD' } });
    expect(wrong.stdout).toBe('');
    expect(noVault.code, noVault.stderr).toBe(0);
    expect(parseJson(noVault.stdout)['vault']).toEqual({
      checked: false,
      reason: `no vault at ${empty.vault}`,
    });
  });

  it('malformed input: exit 2 with the parser’s precise message and code', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = makeCliSandbox(onTestFinished);
    const [segments, base64, jsonError, jwe, clash, empty, contradiction] = await Promise.all([
      sandbox.cli(['decode', 'abc.def']),
      sandbox.cli(['decode', 'eyJhbGciOiJIUzI1NiJ9.e+y.abc']),
      sandbox.cli(['decode', '--json', 'kw_abc']),
      sandbox.cli(['decode', 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aaaa.bbbb.cccc']),
      sandbox.cli(['decode', '-', '--password-stdin'], { input: `${PASSWORD}\n${RFC7515_A1}\n` }),
      sandbox.cli(['decode', '-'], { input: '' }),
      sandbox.cli(['decode', '--offline', '--unlock', RFC7515_A1]),
    ]);
    expect(segments).toMatchObject({ code: 2, stdout: '' });
    expect(segments.stderr).toBe(
      'keyward: Cannot decode: expected 3 dot-separated segments, got 2: is the signature missing, or the token cut off? (TOKEN_SEGMENT_COUNT)\n',
    );
    expect(base64.code).toBe(2);
    expect(base64.stderr).toMatch(
      /^keyward: Cannot decode: the payload is not base64url: .*position 2.*\(TOKEN_NOT_BASE64URL\)\n$/,
    );
    expect(jsonError.code).toBe(2);
    expect(parseJson(jsonError.stderr)).toEqual({
      error: {
        code: 'INVALID_INPUT',
        message: expect.stringMatching(
          /^Cannot decode: expected 49 characters after the prefix .*\(INVALID_KEY_FORMAT\)$/,
        ) as unknown,
      },
    });
    expect(jwe.code).toBe(2);
    expect(jwe.stderr).toContain(
      'encrypted JWE tokens cannot be decoded offline without the key (alg dir, enc A256GCM)',
    );
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('cannot both come from stdin');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('(TOKEN_EMPTY)');
    expect(contradiction.code).toBe(2);
  });

  it('raw keys: checksum and vault match; a mistyped key is a precise error', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = await sandboxWithSecret(onTestFinished);
    const last = sandbox.material.endsWith('A') ? 'B' : 'A';
    const [good, typo] = await Promise.all([
      sandbox.cli(['decode', sandbox.material], withPassword),
      sandbox.cli(['decode', '--offline', `${sandbox.material.slice(0, -1)}${last}`]),
    ]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain(
      `API key:       ${sandbox.material.slice(0, 8)}… (prefix kw_, checksum ok)\n`,
    );
    expect(good.stdout).toContain(`  Key:          ${sandbox.keyId} `);
    expect(good.stdout).toContain('  Accepted now: yes\n');
    expect(good.stdout).not.toContain(sandbox.material);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      'keyward: Cannot decode: the checksum does not match: this "kw_" key was mistyped, truncated or altered (BAD_KEY_CHECKSUM)\n',
    );
    expect(typo.stderr).not.toContain(sandbox.material.slice(8, 20));
  });

  it('--trust and --trust-secret verify other issuers’ tokens offline', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = makeCliSandbox(onTestFinished);
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const ec = await generateKeyPair('ES256', { extractable: true });
    const rsToken = await new SignJWT({ scope: 'read' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setIssuer('https://issuer.example')
      .setExpirationTime('10m')
      .sign(rsa.privateKey);
    const esToken = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).sign(ec.privateKey);
    const jwksFile = join(sandbox.dir, 'issuer-jwks.json');
    const pemFile = join(sandbox.dir, 'ec.pem');
    const jwkSecretFile = join(sandbox.dir, 'secret.jwk');
    const rawSecretFile = join(sandbox.dir, 'secret.bin');
    const privateFile = join(sandbox.dir, 'private.jwk');
    writeFileSync(
      jwksFile,
      JSON.stringify({ keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1' }] }),
    );
    writeFileSync(pemFile, await exportSPKI(ec.publicKey));
    writeFileSync(jwkSecretFile, JSON.stringify({ kty: 'oct', k: RFC7515_A1_KEY }));
    writeFileSync(
      rawSecretFile,
      Buffer.concat([Buffer.from(RFC7515_A1_KEY, 'base64url'), Buffer.from('\n')]),
    );
    writeFileSync(privateFile, JSON.stringify(await exportJWK(rsa.privateKey)));

    const runs = await Promise.all([
      sandbox.cli(['decode', '--json', rsToken]),
      sandbox.cli(['decode', '--json', '--trust', jwksFile, '--trust', pemFile, rsToken]),
      sandbox.cli(['decode', '--json', '--trust', jwksFile, '--trust', pemFile, esToken]),
      sandbox.cli(['decode', '--json', RFC7515_A1]),
      sandbox.cli(['decode', '--json', '--trust', jwkSecretFile, RFC7515_A1]),
      sandbox.cli(['decode', '--json', '--trust-secret', jwkSecretFile, RFC7515_A1]),
      sandbox.cli(['decode', '--json', '--trust-secret', rawSecretFile, RFC7515_A1]),
      sandbox.cli(['decode', '--trust', privateFile, rsToken]),
      sandbox.cli(['decode', '--trust', join(sandbox.dir, 'missing.json'), rsToken]),
    ]);
    const status = (index: number): unknown => {
      const run = runs[index];
      expect(run?.code, run?.stderr).toBe(0);
      return (parseJson(run?.stdout ?? '')['signature'] as { status: string }).status;
    };
    expect(status(0)).toBe('unverified');
    expect(status(1)).toBe('verified-imported');
    expect(status(2)).toBe('verified-imported');
    expect(status(3)).toBe('unverified');
    expect(runs[4]?.code).toBe(2);
    expect(runs[4]?.stderr).toContain(`--trust ${jwkSecretFile}: the JWK is a shared secret`);
    expect(status(5)).toBe('verified-imported');
    expect(status(6)).toBe('verified-imported');
    expect(runs[7]?.code).toBe(2);
    expect(runs[7]?.stderr).toContain('the JWK is a private key');
    expect(runs[8]?.code).toBe(2);
    expect(runs[8]?.stderr).toContain('cannot read the file (ENOENT)');
    for (const run of runs) {
      expect(`${run.stdout}${run.stderr}`).not.toContain(RFC7515_A1_KEY);
    }
  });
});

describe.concurrent('keyward jwks', () => {
  it('prints the public JWKS that verifies the vault’s Secrets, or writes it with --out', async ({
    expect,
    onTestFinished,
  }) => {
    const sandbox = await sandboxWithSecret(onTestFinished);
    const out = join(sandbox.dir, 'jwks.json');
    // One at a time, as above.
    const json = await sandbox.cli(['jwks', '--json'], withPassword);
    const text = await sandbox.cli(['jwks'], withPassword);
    const written = await sandbox.cli(['jwks', '--out', out, '--json'], withPassword);
    const refused = await sandbox.cli(['jwks', '--out', sandbox.vault], withPassword);
    expect(json.code, json.stderr).toBe(0);
    const jwks = parseJson(json.stdout) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.any(String) as unknown,
        kid: sandbox.kid,
        alg: 'EdDSA',
        use: 'sig',
      },
    ]);
    const { payload } = await jwtVerify(sandbox.token, createLocalJWKSet(jwks as never), {
      algorithms: ['EdDSA'],
    });
    expect(payload.sub).toBe(sandbox.integrationId);

    expect(text.code, text.stderr).toBe(0);
    expect(JSON.parse(text.stdout)).toEqual(jwks);
    expect(text.stdout).toContain('\n  "keys": [\n');

    expect(written.code, written.stderr).toBe(0);
    expect(parseJson(written.stdout)).toEqual({
      written: true,
      path: join(sandbox.dir, 'jwks.json'),
      keys: 1,
      kids: [sandbox.kid],
    });
    expect(JSON.parse(readFileSync(join(sandbox.dir, 'jwks.json'), 'utf8'))).toEqual(jwks);
    expect(statSync(join(sandbox.dir, 'jwks.json')).mode & 0o777).toBe(0o644);

    expect(refused.code).toBe(5); // never overwrites, like `export`
    expect(refused.stderr).toContain("is one of the vault's own files");
  });

  it('needs the vault: none at the path is exit 4, no password source is exit 2', async ({
    expect,
    onTestFinished,
  }) => {
    const empty = makeCliSandbox(onTestFinished);
    const sandbox = await sandboxWithSecret(onTestFinished);
    const [missing, locked] = await Promise.all([
      empty.cli(['jwks'], withPassword),
      sandbox.cli(['jwks', '--json']),
    ]);
    expect(missing.code).toBe(4);
    expect(locked.code).toBe(2);
    expect(parseJson(locked.stderr)).toMatchObject({ error: { code: 'USAGE' } });
  });
});
