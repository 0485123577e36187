// Issue 10 §3.6: the decoder's Ed25519 fast path enforces `crit` like jose does. A token signed by
// the vault's own key that lists a critical header parameter the decoder does not understand must
// not be reported as verified (RFC 7515 §4.1.11: "MUST be understood and processed", else invalid).
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { TokenDecoder } from '../../../../electron/vault/decoder/token-decoder.ts';
import { SigningKeys } from '../../../../electron/vault/secrets/signing-keys.ts';
import { lifecyclesPerTest } from '../../../support/lifecycle-per-test.ts';

const newLifecycle = lifecyclesPerTest();

async function setup() {
  const made = newLifecycle(Date.UTC(2026, 0, 1, 9));
  const { db, clock, log, verification } = made;
  const signingKeys = new SigningKeys(db, clock, log);
  const decoder = new TokenDecoder({
    clock,
    signingKeys,
    verification,
    vaultId: '11111111-2222-4333-8444-555555555555',
  });
  const { kid, privateKey } = await signingKeys.currentKey();
  const payload = new TextEncoder().encode(JSON.stringify({ sub: 'x', iat: 1767258000 }));
  const sign = (header: Record<string, unknown>, recognised: Record<string, boolean> = {}) =>
    new CompactSign(payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid, ...header })
      .sign(privateKey, { crit: recognised });
  return { decoder, sign };
}

async function signatureOf(decoder: TokenDecoder, token: string) {
  const report = await decoder.decode(token);
  if (!report.ok || report.value.kind !== 'jws') {
    throw new Error('expected a decoded JWS');
  }
  return report.value.signature;
}

describe('crit on a token signed by a vault key', () => {
  it('an unknown critical parameter makes the signature invalid, not verified', async () => {
    const { decoder, sign } = await setup();
    const token = await sign(
      { crit: ['urn:example:policy'], 'urn:example:policy': 'strict' },
      {
        'urn:example:policy': true,
      },
    );
    const signature = await signatureOf(decoder, token);
    expect(signature.status).toBe('invalid');
    expect(signature.message).toMatch(/not recognized/);
  });

  it('a token without crit still verifies on the fast path', async () => {
    const { decoder, sign } = await setup();
    expect((await signatureOf(decoder, await sign({}))).status).toBe('verified-vault');
  });
});
