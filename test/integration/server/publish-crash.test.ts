import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { issueEnrolmentCode } from '../../../server/devices/device-auth.ts';
import { openStorage } from '../../../server/storage/open-storage.ts';
import type { PublishBatch } from '../../../shared/sync/publish-batch.ts';
import { postgresAvailable } from '../../support/postgres.ts';
import { enrol, newDeviceKey, signIn } from '../../support/server-client.ts';
import { freshStorage, integrationFacts, type StorageKind } from '../../support/server-fixtures.ts';
import { startServerProcess } from '../../support/server-process.ts';

const KEYS_PER_BATCH = 20_000;
const cases: { kind: StorageKind; rounds: number }[] = [
  { kind: 'sqlite', rounds: 3 },
  ...(postgresAvailable() ? [{ kind: 'postgres' as const, rounds: 2 }] : []),
];

function snapshot(): PublishBatch {
  const integration = integrationFacts();
  const ops: PublishBatch['ops'] = [{ op: 'putIntegration', integration }];
  for (let index = 0; index < KEYS_PER_BATCH; index += 1) {
    ops.push({
      op: 'putKey',
      key: {
        keyId: randomUUID(),
        integrationId: integration.integrationId,
        lookupHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
        status: 'active',
        createdAt: 1,
        expiresAt: null,
        graceEndsAt: null,
        endedAt: null,
      },
    });
  }
  return { batchId: randomUUID(), snapshot: true, ops };
}

describe.each(cases)('kill -9 while publishing a large batch ($kind)', ({ kind, rounds }) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  it(
    `never leaves half a batch (${rounds} rounds of ${KEYS_PER_BATCH} keys)`,
    { timeout: 90_000 },
    async () => {
      const fresh = await freshStorage(kind);
      cleanups.push(fresh.cleanup);
      const { enrolmentCode } = await issueEnrolmentCode(fresh.storage, { role: 'owner', now: Date.now() });
      const device = newDeviceKey();
      let revision = 0;
      let integrationIds = new Set<string>();
      const outcomes: string[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const { child, base } = await startServerProcess(fresh.dataDir, {
          databaseUrl: fresh.databaseUrl ?? '',
        });
        cleanups.push(() => {
          child.kill('SIGKILL');
        });
        if (round === 0) {
          expect((await enrol(base, device, enrolmentCode)).status).toBe(201);
        }
        const { token } = await signIn(base, device);
        const batch = snapshot();
        const sent = fetch(`${base}/v1/publish`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(batch),
        }).catch(() => null);
        // Kill at a point that moves through the request: upload, validation, the transaction.
        await new Promise((resolve) => setTimeout(resolve, 150 + round * 450));
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
        await sent;
        const storage = await openStorage({ dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl });
        const state = await storage.changesSince(0);
        await storage.close();
        const newIntegration =
          batch.ops[0]?.op === 'putIntegration' ? batch.ops[0].integration.integrationId : '';
        if (state.revision === revision + 1) {
          outcomes.push('applied');
          expect(state.integrations.map((row) => row.integrationId)).toEqual([newIntegration]);
          expect(state.keys).toHaveLength(KEYS_PER_BATCH);
          revision += 1;
          integrationIds = new Set([newIntegration]);
        } else {
          outcomes.push('not applied');
          expect(state.revision).toBe(revision);
          expect(new Set(state.integrations.map((row) => row.integrationId))).toEqual(integrationIds);
          expect(state.keys).toHaveLength(integrationIds.size === 0 ? 0 : KEYS_PER_BATCH);
        }
      }
      console.log(`kill -9 during publish (${kind}): ${outcomes.join(', ')}`);
    },
  );
});
