// A full snapshot of 100k keys published over HTTP (issue 11: ≤ 10 s, on both storages; ratio =
// median time ÷ 10 s). A device POSTs /v1/publish with `snapshot: true` to a keyward-server process;
// the time runs from the request (its JSON serialized beforehand) to its 200, which the server sends once the batch is committed and
// its own index has caught up. Fresh keys every round (each snapshot replaces the previous one).
// Runs itself under scripts/with-postgres.sh when no test cluster is there.
import { freshPostgresDatabase } from '../support/postgres.ts';
import { benchTempDir, describeTimings, envCount, median, printHeader, reportResult } from './bench-kit.ts';
import { deviceToken, ensurePostgres, makeKeys, snapshotBatch, startKeywardServer } from './server-kit.ts';

ensurePostgres();
const KEYS = envCount('KEYWARD_BENCH_KEYS', 100_000);
const ROUNDS = envCount('KEYWARD_BENCH_ROUNDS', 2);

printHeader('publish-100k: a full snapshot over HTTP, SQLite and PostgreSQL', {
  keys: String(KEYS),
  rounds: String(ROUNDS),
});

const results: { kind: string; times: number[] }[] = [];
for (const kind of ['sqlite', 'postgres'] as const) {
  const dataDir = benchTempDir(`keyward-bench-publish-${kind}-`);
  const databaseUrl = kind === 'postgres' ? await freshPostgresDatabase() : undefined;
  const server = await startKeywardServer({ dataDir, databaseUrl });
  const token = await deviceToken(server, { dataDir, databaseUrl });
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Serialized before the clock starts: the time is the server's.
    const body = JSON.stringify(snapshotBatch(makeKeys(KEYS)));
    const started = performance.now();
    const response = await fetch(`${server.url}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    const elapsed = performance.now() - started;
    if (response.status !== 200) {
      throw new Error(`publish answered ${response.status}: ${await response.text()}`);
    }
    const keys = ((await (await fetch(`${server.url}/readyz`)).json()) as { keys: number }).keys;
    if (keys !== KEYS) {
      throw new Error(`the index holds ${keys} keys after the snapshot, not ${KEYS}`);
    }
    times.push(elapsed);
    console.log(
      `${kind} round ${round + 1}: ${(elapsed / 1000).toFixed(2)} s (${(body.length / 1e6).toFixed(1)} MB of JSON)`,
    );
  }
  await server.stop();
  console.log(`${kind}: ${describeTimings(times)}`);
  results.push({ kind, times });
}
for (const { kind, times } of results) {
  reportResult({ name: `publish-100k-${kind}`, ratio: median(times) / 10_000, op: '<=', target: 1 });
}
