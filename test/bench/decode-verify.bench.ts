// Decoding + verifying a vault Secret through the offline decoder ÷ jose's raw jwtVerify with the
// same public key (docs/targets.md: ≥ 0.8). Throughput ratio = raw time per token ÷ decoder time per token.
// The decoder does more than jwtVerify (the vault key match, validity text, masking); this measures
// what a user pays for it.
import { randomUUID } from 'node:crypto';
import { jwtVerify } from 'jose';
import { TokenDecoder } from '../../electron/vault/decoder/token-decoder.ts';
import { SecretMinter } from '../../electron/vault/secrets/secret-minter.ts';
import { SigningKeys } from '../../electron/vault/secrets/signing-keys.ts';
import { makeLifecycle } from '../support/lifecycle-fixture.ts';
import { alternate, describeTimings, envCount, median, printHeader, reportResult } from './bench-kit.ts';

const ROUNDS = envCount('KEYWARD_BENCH_ROUNDS', 40);
const BATCH = 200;
printHeader('Decode + verify a Secret: offline decoder vs raw jose jwtVerify', {
  rounds: String(ROUNDS),
  batch: String(BATCH),
});

const { integrations, lifecycle, verification, db, clock, log, cleanup } = makeLifecycle(Date.now());
process.on('exit', cleanup);
const vaultId = randomUUID();
for (let i = 0; i < 1000; i++) {
  integrations.createIntegration(
    { name: `integration ${i}`, platform: 'server', ipAcl: ['10.0.0.0/8'] },
    { actor: 'bench' },
  );
}
const { integration } = integrations.createIntegration(
  { name: 'bench', platform: 'server' },
  { actor: 'bench' },
);
const signingKeys = new SigningKeys(db, clock, log);
const minter = new SecretMinter({ lifecycle, signingKeys, clock, vaultId });
const { token, kid } = await minter.mint(integration.id);
const publicKey = signingKeys.publicKey(kid);
if (!publicKey) {
  throw new Error('no public key');
}
const decoder = new TokenDecoder({ clock, signingKeys, verification, vaultId });
const check = await decoder.decode(token);
if (!check.ok || check.value.kind !== 'jws' || check.value.signature.status !== 'verified-vault') {
  throw new Error(`the decoder did not verify the Secret: ${JSON.stringify(check).slice(0, 200)}`);
}

async function perToken(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < BATCH; i++) {
    await run();
  }
  return (performance.now() - start) / BATCH;
}
const { candidate, baseline } = await alternate({
  warmup: 4,
  rounds: ROUNDS,
  candidate: () => perToken(() => decoder.decode(token)),
  baseline: () =>
    perToken(() =>
      jwtVerify(token, publicKey, { algorithms: ['EdDSA'], currentDate: new Date(clock.now()) }),
    ),
});
console.log(`decoder (parse, verify, vault match, report): ${describeTimings(candidate)}`);
console.log(`raw jwtVerify:                                 ${describeTimings(baseline)}`);
reportResult({ name: 'decode-verify', ratio: median(baseline) / median(candidate), op: '>=', target: 0.8 });
