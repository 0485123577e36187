// /v1/verify on the API-key path with 100k keys loaded ÷ a bare node:http server answering 200
// (issue 11: ≥ 0.85). Both run as child processes on 127.0.0.1, driven by the same load generator
// (server-kit.ts runLoad) in this process, in alternating rounds of the same run.
import { alternate, envCount, median, printHeader, reportResult } from './bench-kit.ts';
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
import { benchTempDir } from './bench-kit.ts';

const KEYS = envCount('KEYWARD_BENCH_KEYS', 100_000);
const ROUNDS = envCount('KEYWARD_BENCH_ROUNDS', 2);
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
const bare = await startBaselineServer('bare');

// Keys spread over the whole index, each request the next one.
const step = Math.max(1, Math.floor(KEYS / SAMPLED_KEYS));
const headers = seed.keys
  .filter((_, i) => i % step === 0)
  .slice(0, SAMPLED_KEYS)
  .map((key) => ({ 'x-api-key': key.material }));
const load = (server: ServedProcess, path: string, durationMs = DURATION_MS) =>
  loadOn(server, { path, headers, connections: CONNECTIONS, durationMs });

// Warm both (JIT, connections) before measuring.
await load(keyward, '/v1/verify', 1000);
await load(bare, '/', 1000);
const { candidate, baseline } = await alternate<LoadResult>({
  warmup: 0,
  rounds: ROUNDS,
  candidate: () => load(keyward, '/v1/verify'),
  baseline: () => load(bare, '/'),
});
await Promise.all([keyward.stop(), bare.stop()]);
candidate.forEach((result, i) => console.log(`round ${i + 1} keyward /v1/verify: ${describeLoad(result)}`));
baseline.forEach((result, i) => console.log(`round ${i + 1} bare node:http:    ${describeLoad(result)}`));
const keywardRate = median(candidate.map((result) => result.perSecond));
const bareRate = median(baseline.map((result) => result.perSecond));
console.log(
  `keyward: ${keywardRate.toFixed(0)} req/s, p50 ${median(candidate.map((r) => r.p50)).toFixed(2)} ms, p99 ${median(candidate.map((r) => r.p99)).toFixed(2)} ms`,
);
console.log(
  `bare:    ${bareRate.toFixed(0)} req/s, p50 ${median(baseline.map((r) => r.p50)).toFixed(2)} ms, p99 ${median(baseline.map((r) => r.p99)).toFixed(2)} ms`,
);
const cpu = (results: LoadResult[]) => median(results.map((r) => r.cpuPerRequestUs ?? 0)).toFixed(0);
console.log(
  `server CPU per request (less sensitive to a busy machine than req/s): keyward ${cpu(candidate)} µs, baseline ${cpu(baseline)} µs`,
);
reportResult({
  name: 'verify-key',
  ratio: keywardRate / bareRate,
  op: '>=',
  target: 0.85,
  checks: [{ label: 'every answer 200', pass: [...candidate, ...baseline].every((r) => r.unexpected === 0) }],
});
