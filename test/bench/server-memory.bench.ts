// RSS of a keyward-server process with 100k keys loaded (issue 11: ≤ 150 MB; ratio = RSS ÷ 150 MB).
// The server runs as its own process on a seeded SQLite store; RSS is read from /proc after the index
// is loaded and a few seconds of verify traffic have warmed the hot path (JIT, request log).
import { benchTempDir, envCount, printHeader, reportResult } from './bench-kit.ts';
import {
  describeLoad,
  makeKeys,
  runLoad,
  seedStorage,
  snapshotBatch,
  startKeywardServer,
} from './server-kit.ts';

const KEYS = envCount('KEYWARD_BENCH_KEYS', 100_000);
const DURATION_MS = envCount('KEYWARD_BENCH_DURATION', 5) * 1000;
const LIMIT = 150 * 1024 * 1024;
const MB = 1024 * 1024;

printHeader('server-memory: RSS of keyward-server with 100k keys loaded', { keys: String(KEYS) });
const dataDir = benchTempDir('keyward-bench-memory-');
const seed = makeKeys(KEYS);
await seedStorage({ dataDir }, snapshotBatch(seed));
const server = await startKeywardServer({ dataDir });
const loaded = server.memory();
console.log(
  `index loaded:      RSS ${(loaded.rss / MB).toFixed(1)} MB (peak so far ${(loaded.peak / MB).toFixed(1)} MB)`,
);
const headers = seed.keys.filter((_, i) => i % 100 === 0).map((key) => ({ 'x-api-key': key.material }));
const load = await runLoad({
  port: server.port,
  path: '/v1/verify',
  headers,
  connections: 32,
  durationMs: DURATION_MS,
});
console.log(`verify traffic:    ${describeLoad(load)}`);
// Let the request log flush (once a second) before reading.
await new Promise((resolve) => setTimeout(resolve, 1500));
const after = server.memory();
console.log(
  `after the traffic: RSS ${(after.rss / MB).toFixed(1)} MB (peak ${(after.peak / MB).toFixed(1)} MB)`,
);
await server.stop();
reportResult({ name: 'server-memory', ratio: after.rss / LIMIT, op: '<=', target: 1 });
