import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywardServer } from '../../../server/keyward-server.ts';
import { openStorage } from '../../../server/storage/open-storage.ts';
import { engineInternals } from '../../support/engine-internals.ts';
import { postgresAvailable, startOwnPostgresCluster } from '../../support/postgres.ts';
import type { OwnPostgresCluster } from '../../support/postgres.ts';
import { enrolmentCode, serverFacts, until, vaultFacts } from '../../support/sync-fixtures.ts';
import { createTestEngine } from '../../support/temp-engine.ts';

const PASSWORD = 'correct horse battery staple';

/**
 * The desktop side of "PostgreSQL stopped and started": the server's storage goes away while the
 * desktop keeps changing keys and publishing in the background. On a cluster of this test's own
 * (KEYWARD_PG_FRESH=1: stopping the shared one would take the other suites down).
 */
describe.runIf(postgresAvailable())('PostgreSQL stopped and started while the desktop publishes', () => {
  let cluster: OwnPostgresCluster;
  let url = '';
  const closers: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    cluster = await startOwnPostgresCluster();
    url = cluster.url;
  });
  afterAll(async () => {
    for (const close of closers.reverse()) {
      await Promise.resolve(close()).catch(() => undefined);
    }
    await cluster.close();
  });

  it(
    'no publish is lost: changes made while it is down go out, in order, once it is back',
    { timeout: 90_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'keyward-sync-pg-'));
      closers.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const storage = await openStorage({ dataDir, databaseUrl: url });
      closers.push(() => storage.close());
      const server = new KeywardServer({ storage, port: 0, pollIntervalMs: 500 });
      closers.push(() => server.close());
      const base = await server.start();
      await server.ready();

      const made = await createTestEngine({ password: PASSWORD, start: Date.now(), backgroundPublish: true });
      closers.push(made.cleanup);
      const { engine } = made;
      await engine.reauthenticate({ password: PASSWORD });
      await engine.connectServer({ url: base, code: await enrolmentCode(storage) });
      const { integration } = engine.createIntegration({ name: 'Billing', platform: 'server' });

      // Changes keep coming, every 50 ms, the whole time.
      let changing = true;
      let changes = 0;
      const worker = (async () => {
        while (changing) {
          engine.rotate(integration.id);
          engine.editIntegration(integration.id, { ipAcl: changes % 2 === 0 ? ['10.0.0.0/8'] : [] });
          changes += 1;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 400));
      cluster.control('stop');
      await until(() => engine.serverStatus().state === 'offline', 'offline while PostgreSQL is down');
      const down = engine.serverStatus();
      expect(down.reason).toMatch(/unavailable for now|cannot be reached/);
      await new Promise((resolve) => setTimeout(resolve, 600));
      cluster.control('start');
      await new Promise((resolve) => setTimeout(resolve, 400));
      changing = false;
      await worker;
      await until(() => engine.serverStatus().state === 'up-to-date', 'every change published', 30_000);
      console.log(
        `PostgreSQL restart while publishing: ${changes} rounds of changes, ${down.waiting} were waiting`,
      );

      expect(await serverFacts(storage)).toBe(vaultFacts(engine));
      const written = engineInternals(engine)
        .db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'")
        .pluck()
        .get() as number;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const sent = await client.query<{ n: string }>(
        'SELECT coalesce(sum(op_count), 0) AS n FROM batches WHERE snapshot = 0',
      );
      await client.end();
      expect(Number(sent.rows[0]?.n)).toBe(written);
    },
  );
});
