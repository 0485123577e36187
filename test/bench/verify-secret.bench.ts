// /v1/verify with a Secret (Authorization: Bearer <EdDSA JWS>), 100k keys loaded ÷ a bare node:http
// server that runs raw crypto.verify on the same Secrets (issue 11: ≥ 0.8). Both are child processes
// on 127.0.0.1 driven by the same load generator, in alternating rounds of the same run.
import { alternate, benchTempDir, envCount, median, printHeader, reportResult } from './bench-kit.ts';
import { mintSecret, newSigningKey } from '../support/server-client.ts';
import {
  describeLoad,
  makeKeys,
  loadOn,
  seedStorage,
  snapshotBatch,
  startBaselineServer,
  startKeywardServer,
  type LoadResult,
  type ServedProcess,
} from './server-kit.ts';

const KEYS = envCount('KEYWARD_BENCH_KEYS', 100_000);
const ROUNDS = envCount('KEYWARD_BENCH_ROUNDS', 2);
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
const bare = await startBaselineServer('secret', signing);

const step = Math.max(1, Math.floor(KEYS / SECRETS));
const iat = Math.floor(Date.now() / 1000);
const headers = seed.keys
  .filter((_, i) => i % step === 0)
  .slice(0, SECRETS)
  .map((key) => ({
    authorization: `Bearer ${mintSecret(signing, {
      integrationId: key.facts.integrationId,
      keyId: key.facts.keyId,
      key: key.material,
      iat,
    })}`,
  }));
const load = (server: ServedProcess, path: string, durationMs = DURATION_MS) =>
  loadOn(server, { path, headers, connections: CONNECTIONS, durationMs });

await load(keyward, '/v1/verify', 1000);
await load(bare, '/', 1000);
const { candidate, baseline } = await alternate<LoadResult>({
  warmup: 0,
  rounds: ROUNDS,
  candidate: () => load(keyward, '/v1/verify'),
  baseline: () => load(bare, '/'),
});
await Promise.all([keyward.stop(), bare.stop()]);
candidate.forEach((result, i) =>
  console.log(`round ${i + 1} keyward /v1/verify:        ${describeLoad(result)}`),
);
baseline.forEach((result, i) =>
  console.log(`round ${i + 1} node:http + crypto.verify: ${describeLoad(result)}`),
);
const keywardRate = median(candidate.map((result) => result.perSecond));
const bareRate = median(baseline.map((result) => result.perSecond));
console.log(
  `keyward: ${keywardRate.toFixed(0)} req/s, p50 ${median(candidate.map((r) => r.p50)).toFixed(2)} ms, p99 ${median(candidate.map((r) => r.p99)).toFixed(2)} ms`,
);
console.log(
  `raw:     ${bareRate.toFixed(0)} req/s, p50 ${median(baseline.map((r) => r.p50)).toFixed(2)} ms, p99 ${median(baseline.map((r) => r.p99)).toFixed(2)} ms`,
);
const cpu = (results: LoadResult[]) => median(results.map((r) => r.cpuPerRequestUs ?? 0)).toFixed(0);
console.log(
  `server CPU per request (less sensitive to a busy machine than req/s): keyward ${cpu(candidate)} µs, baseline ${cpu(baseline)} µs`,
);
reportResult({
  name: 'verify-secret',
  ratio: keywardRate / bareRate,
  op: '>=',
  target: 0.8,
  checks: [{ label: 'every answer 200', pass: [...candidate, ...baseline].every((r) => r.unexpected === 0) }],
});
