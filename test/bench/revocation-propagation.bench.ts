// Revocation propagation on PostgreSQL (issue 11: p99 ≤ 1 s; ratio = p99 ÷ 1000 ms). Two
// keyward-server processes on one database; a device publishes a revoke to instance A over HTTP, and
// this process polls instance B every 5 ms until it answers 401. Runs itself under
// scripts/with-postgres.sh when no test cluster is there.
import { randomUUID } from 'node:crypto';
import { freshPostgresDatabase } from '../support/postgres.ts';
import { publish } from '../support/server-client.ts';
import { benchTempDir, envCount, median, percentile, printHeader, reportResult } from './bench-kit.ts';
import {
  deviceToken,
  ensurePostgres,
  makeKeys,
  seedStorage,
  snapshotBatch,
  startKeywardServer,
} from './server-kit.ts';

ensurePostgres();
const KEYS = envCount('KEYWARD_BENCH_KEYS', 100_000);
const SAMPLES = envCount('KEYWARD_BENCH_ROUNDS', 2) * 25;

printHeader('revocation-propagation: publish on instance A → 401 on instance B (PostgreSQL)', {
  keys: String(KEYS),
  samples: String(SAMPLES),
});
const dataDir = benchTempDir('keyward-bench-revocation-');
const databaseUrl = await freshPostgresDatabase();
const seed = makeKeys(KEYS);
await seedStorage({ dataDir, databaseUrl }, snapshotBatch(seed));
const [a, b] = await Promise.all([
  startKeywardServer({ dataDir, databaseUrl, instance: 'a' }),
  startKeywardServer({ dataDir, databaseUrl, instance: 'b' }),
]);
const token = await deviceToken(a, { dataDir, databaseUrl });
// Let B's LISTEN connection settle.
await new Promise((resolve) => setTimeout(resolve, 500));

const statusOnB = async (material: string) =>
  (await fetch(`${b.url}/v1/verify`, { headers: { 'x-api-key': material } })).status;
const lags: number[] = [];
const publishTimes: number[] = [];
const step = Math.floor(KEYS / SAMPLES);
for (let i = 0; i < SAMPLES; i++) {
  const key = seed.keys[i * step] as (typeof seed.keys)[number];
  if ((await statusOnB(key.material)) !== 200) {
    throw new Error('a key to revoke is not accepted on B before its revoke');
  }
  const started = performance.now();
  const response = await publish(a.url, token, {
    batchId: randomUUID(),
    snapshot: false,
    ops: [{ op: 'putKey', key: { ...key.facts, status: 'revoked', endedAt: Date.now() } }],
  });
  publishTimes.push(performance.now() - started);
  if (response.status !== 200) {
    throw new Error(`publish answered ${response.status}`);
  }
  let status = 200;
  while (status === 200 && performance.now() - started < 5000) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    status = await statusOnB(key.material);
  }
  if (status !== 401) {
    throw new Error(`B still answers ${status} 5 s after the revoke`);
  }
  lags.push(performance.now() - started);
  // Spread the samples out a little (not back to back).
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await Promise.all([a.stop(), b.stop()]);
console.log(
  `publish on A (200):        median ${median(publishTimes).toFixed(1)} ms  p99 ${percentile(publishTimes, 99).toFixed(1)} ms`,
);
console.log(
  `publish on A → 401 on B:   median ${median(lags).toFixed(1)} ms  p90 ${percentile(lags, 90).toFixed(1)} ms  p99 ${percentile(lags, 99).toFixed(1)} ms  max ${Math.max(...lags).toFixed(1)} ms  (n=${lags.length})`,
);
reportResult({ name: 'revocation-propagation', ratio: percentile(lags, 99) / 1000, op: '<=', target: 1 });
