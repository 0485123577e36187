// /v1/verify on the API-key path with 100k keys loaded ÷ a bare node:http server answering 200
// (issue 11: ≥ 0.85). Both run as child processes on 127.0.0.1, driven by the same load generator
// (server-kit.ts runLoad) in this process, in alternating rounds of the same run (verify-bench.ts).
import { benchTempDir, envCount, printHeader } from './bench-kit.ts';
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
const SAMPLED_KEYS = 1000;

printHeader('verify-key: GET /v1/verify (X-API-Key) vs bare node:http answering 200', {
  keys: String(KEYS),
  rounds: `${ROUNDS} × ${DURATION_MS / 1000} s per side`,
  connections: String(CONNECTIONS),
});

const dataDir = benchTempDir('keyward-bench-verify-key-');
const seed = makeKeys(KEYS);
let started = performance.now();
await seedStorage({ dataDir }, snapshotBatch(seed));
console.log(`seeded ${KEYS} keys (SQLite) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
started = performance.now();
const keyward = await startKeywardServer({ dataDir });
console.log(`keyward-server ready (index loaded) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// Keys spread over the whole index, each request the next one.
const step = Math.max(1, Math.floor(KEYS / SAMPLED_KEYS));
await runVerifyBench({
  name: 'verify-key',
  target: 0.85,
  keyward: { server: keyward, path: '/v1/verify', label: 'keyward /v1/verify' },
  baseline: { server: await startBaselineServer('bare'), path: '/', label: 'bare node:http' },
  headers: seed.keys
    .filter((_, i) => i % step === 0)
    .slice(0, SAMPLED_KEYS)
    .map((key) => ({ 'x-api-key': key.material })),
  connections: CONNECTIONS,
  rounds: ROUNDS,
  durationMs: DURATION_MS,
});
