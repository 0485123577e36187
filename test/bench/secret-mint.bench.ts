// Minting a Secret through the vault ÷ jose's raw SignJWT with the same key and claims (docs/targets.md:
// minting ≥ 1.0 × raw SignJWT). Throughput ratio = raw time per Secret ÷ vault time per Secret.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { SecretMinter } from '../../electron/vault/secrets/secret-minter.ts';
import { SigningKeys } from '../../electron/vault/secrets/signing-keys.ts';
import { makeLifecycle } from '../support/lifecycle-fixture.ts';
import { alternate, describeTimings, envCount, median, printHeader, reportResult } from './bench-kit.ts';

const ROUNDS = envCount('KEYWARD_BENCH_ROUNDS', 40);
const BATCH = 250;

printHeader('Secret minting: vault SecretMinter vs raw jose SignJWT', {
  rounds: String(ROUNDS),
  batch: String(BATCH),
});
const { lifecycle, integrations, db, clock, log, cleanup } = makeLifecycle();
process.on('exit', cleanup);
const { integration } = integrations.createIntegration(
  { name: 'bench', platform: 'server' },
  { actor: 'bench' },
);
const signingKeys = new SigningKeys(db, clock, log);
const minter = new SecretMinter({ lifecycle, signingKeys, clock, vaultId: randomUUID() });
const signing = await signingKeys.currentKey();
const { key, material } = lifecycle.activeKeyWithMaterial(integration.id);

async function perSecret(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < BATCH; i++) {
    await run();
  }
  return (performance.now() - start) / BATCH;
}

const vaultMint = () => perSecret(() => minter.mint(integration.id));
const rawSign = () =>
  perSecret(() => {
    const now = Math.floor(clock.now() / 1000);
    return new SignJWT({ key_id: key.id, client_secret: material })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: signing.kid })
      .setIssuer('urn:keyward:vault:bench')
      .setSubject(integration.id)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 86_400)
      .sign(signing.privateKey);
  });

const { candidate, baseline } = await alternate({
  warmup: 4,
  rounds: ROUNDS,
  candidate: vaultMint,
  baseline: rawSign,
});
console.log(`vault mint   per Secret: ${describeTimings(candidate)}`);
console.log(`raw SignJWT  per Secret: ${describeTimings(baseline)}`);
const ratio = median(baseline) / median(candidate);
console.log(
  `throughput: vault ${(1000 / median(candidate)).toFixed(0)}/s, raw ${(1000 / median(baseline)).toFixed(0)}/s`,
);
reportResult({ name: 'secret-mint', ratio, op: '>=', target: 1.0 });
