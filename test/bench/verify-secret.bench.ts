// /v1/verify with a Secret (Authorization: Bearer <EdDSA JWS>), 100k keys loaded ÷ a bare node:http
// server that runs raw crypto.verify on the same Secrets (issue 11: ≥ 0.8). Both are child processes
// on 127.0.0.1 driven by the same load generator, in alternating rounds of the same run (verify-bench.ts).
import { benchTempDir, envCount, printHeader } from './bench-kit.ts';
import { mintSecret, newSigningKey } from '../support/server-client.ts';
import {
  makeKeys,
  seedStorage,
  snapshotBatch,
  startBaselineServer,
  startKeywardServer,
} from './server-kit.ts';
import { runVerifyBench } from './verify-bench.ts';

const KEYS = envCount('KEYWARD_BENCH_KEYS', 100_000);
const ROUNDS = envCount('KEYWARD_BENCH_ROUNDS', 3);
const DURATION_MS = envCount('KEYWARD_BENCH_DURATION', 5) * 1000;
const CONNECTIONS = envCount('KEYWARD_BENCH_CONNECTIONS', 32);
const SECRETS = 200;

printHeader('verify-secret: GET /v1/verify (Bearer Secret) vs bare node:http + raw crypto.verify', {
  keys: String(KEYS),
  rounds: `${ROUNDS} × ${DURATION_MS / 1000} s per side`,
  connections: String(CONNECTIONS),
});

const dataDir = benchTempDir('keyward-bench-verify-secret-');
const seed = makeKeys(KEYS);
const signing = newSigningKey();
await seedStorage({ dataDir }, snapshotBatch(seed, [signing]));
const keyward = await startKeywardServer({ dataDir });

const step = Math.max(1, Math.floor(KEYS / SECRETS));
const iat = Math.floor(Date.now() / 1000);
await runVerifyBench({
  name: 'verify-secret',
  target: 0.8,
  keyward: { server: keyward, path: '/v1/verify', label: 'keyward /v1/verify' },
  baseline: {
    server: await startBaselineServer('secret', signing),
    path: '/',
    label: 'node:http + crypto.verify',
  },
  headers: seed.keys
    .filter((_, i) => i % step === 0)
    .slice(0, SECRETS)
    .map((key) => ({
      authorization: `Bearer ${mintSecret(signing, {
        integrationId: key.facts.integrationId,
        keyId: key.facts.keyId,
        key: key.material,
        iat,
      })}`,
    })),
  connections: CONNECTIONS,
  rounds: ROUNDS,
  durationMs: DURATION_MS,
});
