import Sqlite from 'better-sqlite3-multiple-ciphers';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, SQLITE_FILE } from '../../../server/storage/open-storage.ts';
import { generateApiKey } from '../../../shared/keys/key-format.ts';
import { lookupHash } from '../../../shared/keys/lookup-hash.ts';
import { OUTBOX_BATCH_MAX } from '../../../electron/vault/sync/server-sync.ts';
import { engineInternals } from '../../support/engine-internals.ts';
import { freshStorage } from '../../support/server-fixtures.ts';
import { enrolmentCode, leakedKeys, serverFacts, vaultFacts, verifyAt } from '../../support/sync-fixtures.ts';
import { startServerProcess } from '../../support/server-process.ts';
import { createTestEngine, type TestEngine } from '../../support/temp-engine.ts';

const PASSWORD = 'correct horse battery staple';
const KEYS_PER_ROUND = 2 * OUTBOX_BATCH_MAX;
const ROUNDS = 3;
const DAY = 86_400_000;

/** Adds `count` grace keys to an integration straight in SQL (one transaction): the triggers queue them. */
function addKeys(made: TestEngine, integrationId: string, count: number): string[] {
  const { db } = engineInternals(made.engine);
  const insert = db.prepare(
    `INSERT INTO api_keys (id, integration_id, material, lookup_hash, masked, status, created_at, grace_ends_at)
     VALUES (?, ?, ?, ?, 'kw_…', 'grace', ?, ?)`,
  );
  const now = made.clock.now();
  const materials: string[] = [];
  db.transaction(() => {
    for (let index = 0; index < count; index += 1) {
      // Key-shaped and unique; only the last is a well-formed key (formatting is slow in bulk).
      const material = index === count - 1 ? generateApiKey('kw_') : `kw_${randomBytes(24).toString('hex')}`;
      materials.push(material);
      insert.run(randomUUID(), integrationId, material, lookupHash(material), now, now + 30 * DAY);
    }
  }).immediate();
  return materials;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('kill -9 of the server in the middle of publishing a large outbox', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  it(
    `never half a batch on the server; the outbox finishes the job after restart (${ROUNDS} rounds of ${KEYS_PER_ROUND} keys)`,
    { timeout: 120_000 },
    async () => {
      const fresh = await freshStorage('sqlite');
      cleanups.push(fresh.cleanup);
      const code = await enrolmentCode(fresh.storage);
      await fresh.storage.close();
      let running: ChildProcess | null = null;
      cleanups.push(() => {
        running?.kill('SIGKILL');
      });
      const started = await startServerProcess(fresh.dataDir);
      running = started.child;
      const { base } = started;
      const port = Number(new URL(base).port);

      const made = await createTestEngine({ password: PASSWORD, start: Date.now() });
      cleanups.push(made.cleanup);
      const { engine } = made;
      const { integration, key } = engine.createIntegration({ name: 'Bulk', platform: 'server' });
      await engine.reauthenticate({ password: PASSWORD });
      expect(await engine.connectServer({ url: base, code })).toMatchObject({ state: 'up-to-date' });
      const materials = [engineInternals(engine).lifecycle.material(key.id)];

      const outcomes: string[] = [];
      let queued = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        materials.push(...addKeys(made, integration.id, KEYS_PER_ROUND));
        queued += KEYS_PER_ROUND;
        expect(engine.serverStatus().waiting).toBe(KEYS_PER_ROUND);
        const publishing = engine.publishNow();
        // Kill at a point that moves through the batches: upload, validation, the transaction.
        await new Promise((resolve) => setTimeout(resolve, 150 + round * 200));
        const exited = new Promise((resolve) => running?.once('exit', resolve));
        running.kill('SIGKILL');
        await exited;
        const status = await publishing;
        expect(status.state === 'offline' || status.state === 'up-to-date').toBe(true);

        // Whole batches only: the server holds the first k batches' keys, k whole.
        const storage = await openStorage({ dataDir: fresh.dataDir });
        const state = await storage.changesSince(0);
        await storage.close();
        const published = state.keys.length - 1; // the first key came with the snapshot
        const waiting = engine.serverStatus().waiting;
        outcomes.push(`${published}/${queued} on the server, ${waiting} waiting`);
        expect(published % OUTBOX_BATCH_MAX === 0 || published === queued).toBe(true);
        // What the server has and what waits add up (a batch applied but unanswered is in both).
        expect(published + waiting).toBeGreaterThanOrEqual(queued);
        expect(published + waiting - queued).toBeLessThanOrEqual(OUTBOX_BATCH_MAX);

        const restarted = await startServerProcess(fresh.dataDir, { port });
        running = restarted.child;
        expect(await engine.publishNow()).toMatchObject({ state: 'up-to-date', waiting: 0 });
      }
      console.log(`kill -9 during publish: ${outcomes.join('; ')}`);

      // Every change arrived, once: the batches carry exactly the rows the outbox ever held.
      expect(await verifyAt(base, materials.at(-1) as string)).toMatchObject({ status: 200 });
      running.kill('SIGKILL');
      await new Promise((resolve) => running?.once('exit', resolve));
      const storage = await openStorage({ dataDir: fresh.dataDir });
      expect(await serverFacts(storage)).toBe(vaultFacts(engine));
      await storage.close();
      const serverDb = new Sqlite(join(fresh.dataDir, SQLITE_FILE), { readonly: true });
      const sent = serverDb
        .prepare('SELECT coalesce(sum(op_count), 0) FROM batches WHERE snapshot = 0')
        .pluck()
        .get();
      serverDb.close();
      expect(sent).toBe(queued);

      // No key material in the server's files (database, WAL, logs): grep the bytes of every key.
      const bytes = filesUnder(fresh.dataDir).map((file) => readFileSync(file));
      expect(leakedKeys(bytes, [materials.at(-1) as string, 'kw_' + 'x'.repeat(10)])).toEqual([]);
      expect(leakedKeys([Buffer.from(`…${materials[1] ?? ''}…`)], materials)).toEqual([materials[1]]); // the grep works
      expect(leakedKeys(bytes, materials)).toEqual([]);
      expect(bytes.length).toBeGreaterThan(0);
    },
  );
});
