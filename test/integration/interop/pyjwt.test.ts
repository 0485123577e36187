import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretMinter } from '../../../electron/vault/secrets/secret-minter.ts';
import { SigningKeys } from '../../../electron/vault/secrets/signing-keys.ts';
import { encodeBase64Url } from '../../../shared/encoding/base64url.ts';
import { makeLifecycle } from '../../support/lifecycle-fixture.ts';
import { makeTempDir } from '../../support/temp-vault.ts';

// Debian's python3-jwt (PyJWT) is installed for the system interpreter, not for whatever `python3`
// comes first on PATH (pyenv and friends), so the test names it exactly.
const PYTHON = '/usr/bin/python3';

/** Why PyJWT cannot run here, or null when it can (EdDSA needs python3-cryptography too). */
function pyjwtUnavailable(): string | null {
  const probe = spawnSync(
    PYTHON,
    ['-c', 'import jwt, cryptography; from jwt.algorithms import OKPAlgorithm; print(jwt.__version__)'],
    { encoding: 'utf8', timeout: 20_000 },
  );
  if (probe.error !== undefined) {
    return `${PYTHON} cannot be run (${probe.error.message})`;
  }
  if (probe.status !== 0) {
    const reason = probe.stderr.trim().split('\n').at(-1) ?? 'unknown error';
    return `${PYTHON} cannot import PyJWT with EdDSA support (${reason}); install python3-jwt and python3-cryptography`;
  }
  return null;
}

/**
 * Verifies argv[2] (a token) with PyJWT, given only the JWKS file argv[1] and the expected issuer
 * argv[3]. Prints the claims as JSON, or `REJECTED <exception class>` and exits 1.
 */
const VERIFY_SCRIPT = `
import json, sys
import jwt
jwks_path, token, issuer = sys.argv[1], sys.argv[2], sys.argv[3]
with open(jwks_path) as f:
    key_set = jwt.PyJWKSet.from_json(f.read())
try:
    kid = jwt.get_unverified_header(token)["kid"]
    key = key_set[kid]
    claims = jwt.decode(token, key.key, algorithms=["EdDSA"], issuer=issuer,
                        options={"require": ["exp", "iat", "nbf"]})
except Exception as error:
    print("REJECTED " + type(error).__name__)
    sys.exit(1)
print(json.dumps({"pyjwt": jwt.__version__, "claims": claims}))
`;

/** Like VERIFY_SCRIPT for many tokens (one per stdin line): prints one line per token, `OK` or `REJECTED …`. */
const VERIFY_MANY_SCRIPT = `
import sys
import jwt
jwks_path, issuer = sys.argv[1], sys.argv[2]
with open(jwks_path) as f:
    key_set = jwt.PyJWKSet.from_json(f.read())
for token in sys.stdin.read().split():
    try:
        key = key_set[jwt.get_unverified_header(token)["kid"]]
        jwt.decode(token, key.key, algorithms=["EdDSA"], issuer=issuer,
                   options={"require": ["exp", "iat", "nbf"]})
        print("OK")
    except Exception as error:
        print("REJECTED " + type(error).__name__)
`;

const unavailable = pyjwtUnavailable();
if (unavailable !== null) {
  console.log(`skipping the PyJWT interop tests: ${unavailable}`);
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

function verifyWithPyJwt(
  jwksPath: string,
  token: string,
  issuer: string,
): { code: number | null; out: string } {
  const run = spawnSync(PYTHON, ['-c', VERIFY_SCRIPT, jwksPath, token, issuer], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}`.trim() };
}

describe.skipIf(unavailable !== null)('PyJWT verifies vault Secrets with only the exported JWKS', () => {
  function setup() {
    // Real time: PyJWT checks exp/nbf/iat against the system clock.
    const made = makeLifecycle(Date.now());
    const { dir, cleanup } = makeTempDir('keyward-pyjwt-');
    cleanups.push(made.cleanup, cleanup);
    const vaultId = '0f6c8a52-4d1e-4a8b-9c3e-2b7d5e1f9a40';
    const signingKeys = new SigningKeys(made.db, made.clock, made.log);
    const minter = new SecretMinter({ lifecycle: made.lifecycle, signingKeys, clock: made.clock, vaultId });
    const { integration, key } = made.integrations.createIntegration(
      { name: 'Interop', platform: 'server' },
      { actor: 'owner@test' },
    );
    const exportJwks = (): string => {
      const path = join(dir, 'jwks.json');
      writeFileSync(path, JSON.stringify(signingKeys.jwks()));
      return path;
    };
    return {
      ...made,
      signingKeys,
      minter,
      integration,
      key,
      issuer: `urn:keyward:vault:${vaultId}`,
      exportJwks,
    };
  }

  it('accepts a vault Secret and reads its claims', async () => {
    const { minter, integration, key, lifecycle, issuer, exportJwks } = setup();
    const secret = await minter.mint(integration.id, 24);
    const result = verifyWithPyJwt(exportJwks(), secret.token, issuer);
    expect(result.code, result.out).toBe(0);
    const { claims } = JSON.parse(result.out) as { pyjwt: string; claims: Record<string, unknown> };
    expect(claims).toEqual({
      iss: issuer,
      sub: integration.id,
      key_id: key.id,
      client_secret: lifecycle.material(key.id),
      jti: secret.jti,
      iat: secret.issuedAt / 1000,
      nbf: secret.issuedAt / 1000,
      exp: secret.expiresAt / 1000,
    });
  });

  it('verifies every Secret of a batch minted by the one-shot signing path', async () => {
    const { minter, integrations, signingKeys, issuer, exportJwks } = setup();
    const tokens: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { integration } = integrations.createIntegration(
        { name: `Batch ${i} — ünïcode`, platform: 'server' },
        { actor: 'owner@test' },
      );
      for (const hours of [1, 24, 168]) {
        tokens.push((await minter.mint(integration.id, hours)).token);
      }
      if (i === 3) {
        await signingKeys.rotate({ actor: 'owner@test' });
      }
    }
    const run = spawnSync(PYTHON, ['-c', VERIFY_MANY_SCRIPT, exportJwks(), issuer], {
      input: tokens.join('\n'),
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(tokens.map(() => 'OK'));
  });

  it('still accepts a Secret of a retired signing key while the JWKS publishes it', async () => {
    const { minter, integration, signingKeys, issuer, exportJwks } = setup();
    const old = await minter.mint(integration.id, 24);
    await signingKeys.rotate({ actor: 'owner@test' });
    const fresh = await minter.mint(integration.id, 24);
    const jwks = exportJwks();
    expect(
      signingKeys
        .jwks()
        .keys.map((entry) => entry.kid)
        .sort(),
    ).toEqual([fresh.kid, old.kid].sort());
    for (const token of [old.token, fresh.token]) {
      const result = verifyWithPyJwt(jwks, token, issuer);
      expect(result.code, result.out).toBe(0);
    }
  });

  it('rejects a tampered Secret, a wrong issuer and an expired one', async () => {
    const { minter, integration, issuer, exportJwks, clock } = setup();
    const secret = await minter.mint(integration.id, 1);
    const jwks = exportJwks();
    const [header, payload, signature] = secret.token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    claims.exp = Number(claims.exp) + 86_400 * 365;
    const tampered = `${header}.${encodeBase64Url(new TextEncoder().encode(JSON.stringify(claims)))}.${signature}`;
    expect(verifyWithPyJwt(jwks, tampered, issuer)).toEqual({
      code: 1,
      out: 'REJECTED InvalidSignatureError',
    });
    expect(verifyWithPyJwt(jwks, secret.token, 'urn:keyward:vault:someone-else')).toEqual({
      code: 1,
      out: 'REJECTED InvalidIssuerError',
    });
    // Minted two hours ago with a one-hour lifetime.
    clock.advance(-2 * 3_600_000);
    const expired = await minter.mint(integration.id, 1);
    expect(verifyWithPyJwt(jwks, expired.token, issuer)).toEqual({
      code: 1,
      out: 'REJECTED ExpiredSignatureError',
    });
  });
});
