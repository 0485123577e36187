import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueEnrolmentCode } from '../../../server/devices/device-auth.ts';
import { KeywardServer } from '../../../server/keyward-server.ts';
import { openStorage } from '../../../server/storage/open-storage.ts';
import type { Storage } from '../../../server/storage/storage.ts';
import { postgresAvailable, startOwnPostgresCluster } from '../../support/postgres.ts';
import type { OwnPostgresCluster } from '../../support/postgres.ts';
import { enrol, newDeviceKey, publish, signIn } from '../../support/server-client.ts';
import { batch, integrationFacts, keyFacts } from '../../support/server-fixtures.ts';

/**
 * PostgreSQL stopped and started under load, on a cluster of this test's own (KEYWARD_PG_FRESH=1:
 * stopping the shared one would take the other suites down): valid keys keep verifying from
 * memory, publish answers 503 while it is down and works again after, and the change reaches the
 * other instance through its re-established LISTEN.
 */
describe.runIf(postgresAvailable())('PostgreSQL stopped and started under load', () => {
  let cluster: OwnPostgresCluster;
  let url = '';
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cluster = await startOwnPostgresCluster();
    url = cluster.url;
  });
  afterAll(async () => {
    for (const close of closers.reverse()) {
      await close().catch(() => undefined);
    }
    await cluster.close();
  });

  it(
    'valid keys keep verifying; publish is refused while down and works after; the change reaches the other instance',
    { timeout: 90_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'keyward-pg-restart-'));
      closers.push(() => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })));
      const storages: Storage[] = [];
      for (let index = 0; index < 2; index += 1) {
        const storage = await openStorage({ dataDir, databaseUrl: url });
        storages.push(storage);
        closers.push(() => storage.close());
      }
      const [storageA, storageB] = storages as [Storage, Storage];
      const integration = integrationFacts();
      const valid = keyFacts(integration.integrationId);
      const doomed = keyFacts(integration.integrationId);
      await storageA.applyBatch(
        batch([
          { op: 'putIntegration', integration },
          { op: 'putKey', key: valid.facts },
          { op: 'putKey', key: doomed.facts },
        ]),
        { deviceId: null, now: Date.now() },
      );
      const a = new KeywardServer({ storage: storageA, port: 0, pollIntervalMs: 500 });
      const b = new KeywardServer({ storage: storageB, port: 0, pollIntervalMs: 60_000 });
      closers.push(
        () => a.close(),
        () => b.close(),
      );
      const baseA = await a.start();
      const baseB = await b.start();
      await Promise.all([a.ready(), b.ready()]);
      const { enrolmentCode } = await issueEnrolmentCode(storageA, { role: 'owner', now: Date.now() });
      const device = newDeviceKey();
      await enrol(baseA, device, enrolmentCode);
      const { token } = await signIn(baseA, device);

      // Load: 8 callers verifying the valid key on both instances for the whole scenario.
      let running = true;
      let ok = 0;
      const failures: number[] = [];
      const load = Promise.all(
        Array.from({ length: 8 }, async (_, worker) => {
          while (running) {
            const response = await fetch(`${worker % 2 === 0 ? baseA : baseB}/v1/verify`, {
              headers: { 'x-api-key': valid.material },
            });
            await response.arrayBuffer();
            if (response.status === 200) {
              ok += 1;
            } else {
              failures.push(response.status);
            }
          }
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      cluster.control('stop');
      await new Promise((resolve) => setTimeout(resolve, 700));
      const degraded = await (await fetch(`${baseA}/readyz`)).json();
      expect(degraded).toMatchObject({ status: 'degraded', storage: 'unreachable' });
      const refused = await publish(
        baseA,
        token as string,
        batch([{ op: 'deleteKey', keyId: doomed.facts.keyId }]),
      );
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      cluster.control('start');
      let ready = await (await fetch(`${baseA}/readyz`)).json();
      for (let attempt = 0; attempt < 50 && (ready as { status: string }).status !== 'ready'; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await (await fetch(`${baseA}/readyz`)).json();
      }
      expect(ready).toMatchObject({ status: 'ready' });
      // The same batch again, as an outbox would retry it: now it goes through.
      let accepted = await publish(
        baseA,
        token as string,
        batch([{ op: 'putKey', key: { ...doomed.facts, status: 'revoked', endedAt: Date.now() } }]),
      );
      for (let attempt = 0; attempt < 20 && accepted.status === 503; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        accepted = await publish(
          baseA,
          token as string,
          batch([{ op: 'putKey', key: { ...doomed.facts, status: 'revoked', endedAt: Date.now() } }]),
        );
      }
      expect(accepted.status).toBe(200);
      const started = performance.now();
      let status = 200;
      while (status === 200 && performance.now() - started < 3000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = (await fetch(`${baseB}/v1/verify`, { headers: { 'x-api-key': doomed.material } })).status;
      }
      expect(status).toBe(401);
      running = false;
      await load;
      console.log(
        `PostgreSQL restart under load: ${ok} verifications of a valid key, non-200: ${failures.length}`,
      );
      expect(failures).toEqual([]);
      expect(ok).toBeGreaterThan(50);
    },
  );
});
