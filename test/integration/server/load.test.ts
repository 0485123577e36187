// Load (issue 11, "Tests"): 100 connections of valid keys for 30 s against a real `keyward-server`
// process on 127.0.0.1, with zero non-2xx — driven by the benchmarks' own load generator
// (test/bench/load-generator.ts). Then every verification must be in the request log.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../../server/storage/open-storage.ts';
import { runLoad } from '../../bench/load-generator.ts';
import { batch, integrationFacts, keyFacts } from '../../support/server-fixtures.ts';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'keyward-server.cjs');
const CONNECTIONS = 100;
const DURATION_MS = 30_000;

describe('load on a real keyward-server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-server-load-'));
  let child: ChildProcess | null = null;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    `${CONNECTIONS} keep-alive connections of valid keys for ${DURATION_MS / 1000} s: every answer 200, every one logged`,
    { timeout: DURATION_MS + 60_000 },
    async () => {
      // 2 integrations × 500 keys, one of them in grace: both kinds of 200.
      const integrations = [integrationFacts(), integrationFacts({ integrationName: 'Orders API' })];
      const keys = Array.from({ length: 1000 }, (_, index) =>
        keyFacts(
          (integrations[index % 2] as (typeof integrations)[number]).integrationId,
          index % 10 === 0 ? { status: 'grace', graceEndsAt: Date.now() + 86_400_000 } : {},
        ),
      );
      const storage = await openStorage({ dataDir });
      await storage.applyBatch(
        batch(
          [
            ...integrations.map((integration) => ({ op: 'putIntegration' as const, integration })),
            ...keys.map((key) => ({ op: 'putKey' as const, key: key.facts })),
          ],
          { snapshot: true },
        ),
        { deviceId: null, now: Date.now() },
      );
      await storage.close();

      const server = spawn(
        process.execPath,
        [BIN, 'start', '--data', dataDir, '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'],
        { env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child = server;
      let stderr = '';
      const address = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address: ${stderr}`)), 30_000);
        server.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
          if (match) {
            clearTimeout(timer);
            resolve(match[1] as string);
          }
        });
      });
      for (let attempt = 0; attempt < 300; attempt += 1) {
        if ((await fetch(`${address}/readyz`)).status === 200) {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      const result = await runLoad({
        port: Number(new URL(address).port),
        path: '/v1/verify',
        headers: keys.map((key, index) =>
          index % 2 === 0 ? { 'x-api-key': key.material } : { authorization: `Bearer ${key.material}` },
        ),
        connections: CONNECTIONS,
        durationMs: DURATION_MS,
        expectStatus: 200,
      });
      expect(result.unexpected).toBe(0);
      expect(result.requests).toBeGreaterThan(1000);

      const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM'); // flushes the request log
      expect(await exited).toBe(0);
      child = null;

      const logged = await openStorage({ dataDir });
      try {
        let total = 0;
        for (const integration of integrations) {
          const usage = await logged.usageSummary(integration.integrationId, Date.now() + 1000);
          total += usage.keys.reduce((sum, key) => sum + key.callsLast24h, 0);
        }
        expect(total).toBe(result.requests);
      } finally {
        await logged.close();
      }
    },
  );
});
