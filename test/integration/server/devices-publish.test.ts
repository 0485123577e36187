import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { runServerCli } from '../../../server/cli/program.ts';
import { KeywardServer } from '../../../server/keyward-server.ts';
import { postgresAvailable } from '../../support/postgres.ts';
import { enrol, newDeviceKey, publish, signIn } from '../../support/server-client.ts';
import {
  batch,
  freshStorage,
  integrationFacts,
  keyFacts,
  type StorageKind,
} from '../../support/server-fixtures.ts';

const kinds: StorageKind[] = postgresAvailable() ? ['sqlite', 'postgres'] : ['sqlite'];

/** Runs `keyward-server ARGS` in-process against a data folder / database; resolves to exit code and output. */
async function cli(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runServerCli({
    argv,
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    now: Date.now,
  });
  return { code, stdout, stderr };
}

describe.each(kinds)('devices and publish on %s', (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });

  it(
    'enrols with a one-time code, signs in by challenge, publishes atomically, and revoking the device stops it at once',
    { timeout: 90_000 },
    async () => {
      const fresh = await freshStorage(kind);
      cleanups.push(fresh.cleanup);
      const env = { DATABASE_URL: fresh.databaseUrl, KEYWARD_SERVER_DATA: fresh.dataDir };
      const init = await cli(['init', '--json'], env);
      expect(init.code).toBe(0);
      const { enrolmentCode, expiresAt } = JSON.parse(init.stdout) as {
        enrolmentCode: string;
        expiresAt: string;
      };
      expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);

      const server = new KeywardServer({ storage: fresh.storage, port: 0, pollIntervalMs: 60_000 });
      cleanups.push(() => server.close());
      const base = await server.start();
      await server.ready();

      const device = newDeviceKey();
      const enrolled = await enrol(base, device, enrolmentCode.toLowerCase());
      expect(enrolled.status).toBe(201);
      expect(await enrolled.json()).toMatchObject({ role: 'owner', name: 'Test laptop', revokedAt: null });
      const again = await enrol(base, newDeviceKey(), enrolmentCode);
      expect(again.status).toBe(401);
      expect(again.headers.get('x-keyward-code')).toBe('ENROLMENT_CODE_INVALID');

      const session = await signIn(base, device);
      expect(session.token).not.toBeNull();
      const token = session.token as string;
      // The same signed challenge a second time: refused.
      const replay = await fetch(`${base}/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ deviceId: device.deviceId, ...session.signed }),
      });
      expect(replay.status).toBe(401);
      // Another key cannot sign in as this device.
      const impostor = { ...newDeviceKey(), deviceId: device.deviceId };
      expect((await signIn(base, impostor)).token).toBeNull();

      const integration = integrationFacts();
      const key = keyFacts(integration.integrationId);
      const snapshot = batch(
        [
          { op: 'putIntegration', integration },
          { op: 'putKey', key: key.facts },
        ],
        { snapshot: true },
      );
      expect((await publish(base, 'not-a-token', snapshot)).status).toBe(401);
      const published = await publish(base, token, snapshot);
      expect(published.status).toBe(200);
      expect(await published.json()).toEqual({ revision: 1, duplicate: false });
      const check = () => fetch(`${base}/v1/verify`, { headers: { 'x-api-key': key.material } });
      expect((await check()).status).toBe(200);
      // A retried batch (the outbox never saw the answer) changes nothing.
      expect(await (await publish(base, token, snapshot)).json()).toEqual({ revision: 1, duplicate: true });

      // A bad batch is refused whole: the valid op before the bad one is not applied.
      const bad = await fetch(`${base}/v1/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(
          batch([
            { op: 'putKey', key: { ...key.facts, status: 'revoked', endedAt: Date.now() } },
            { op: 'putKey', key: { ...keyFacts(integration.integrationId).facts, lookupHash: 'XYZ' } },
          ]),
        ),
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({
        error: { code: 'INVALID_INPUT', message: expect.any(String) as unknown },
      });
      const badJson = await fetch(`${base}/v1/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{"batchId":',
      });
      expect(badJson.status).toBe(400);
      expect(badJson.headers.get('x-keyward-code')).toBe('INVALID_INPUT');
      expect((await check()).status).toBe(200);

      const revoke = await publish(
        base,
        token,
        batch([{ op: 'putKey', key: { ...key.facts, status: 'revoked', endedAt: Date.now() } }]),
      );
      expect(await revoke.json()).toEqual({ revision: 2, duplicate: false });
      const refused = await check();
      expect(refused.status).toBe(401);
      expect(refused.headers.get('x-keyward-code')).toBe('KEY_REVOKED');
      await server.context.requestLog.flush();
      const usage = await fetch(`${base}/v1/usage?keyId=${key.facts.keyId}&limit=5`, {
        headers: { authorization: `Bearer ${token}` },
      });
      // Newest first; alike calls within a second are one entry that counts them.
      expect(
        ((await usage.json()) as { requests: { outcome: string; calls: number }[] }).requests.flatMap(
          (entry) => new Array<string>(entry.calls).fill(entry.outcome),
        ),
      ).toEqual(['KEY_REVOKED', 'OK', 'OK']);

      // `devices add`: one more code, for another of the owner's devices; it joins the owner's member.
      const added = await cli(['devices', 'add', '--json'], env);
      expect(added.code).toBe(0);
      const second = newDeviceKey();
      expect(
        (await enrol(base, second, (JSON.parse(added.stdout) as { enrolmentCode: string }).enrolmentCode))
          .status,
      ).toBe(201);
      const afterAdd = JSON.parse((await cli(['devices', 'list', '--json'], env)).stdout) as {
        devices: { deviceId: string; memberId: string }[];
      };
      expect(new Set(afterAdd.devices.map((entry) => entry.memberId)).size).toBe(1);
      expect((await cli(['devices', 'revoke', second.deviceId as string], env)).code).toBe(0);

      const listed = await cli(['devices', 'list', '--json'], env);
      expect(JSON.parse(listed.stdout)).toMatchObject({
        devices: expect.arrayContaining([
          expect.objectContaining({ deviceId: device.deviceId, revokedAt: null }),
        ]) as unknown,
      });
      expect((await cli(['devices', 'revoke', device.deviceId as string], env)).code).toBe(0);
      const afterRevoke = await fetch(`${base}/v1/devices`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(afterRevoke.status).toBe(401);
      expect((await signIn(base, device)).token).toBeNull();
      expect((await cli(['devices', 'revoke', device.deviceId as string], env)).code).toBe(5);
      expect((await cli(['devices', 'revoke', 'no-such-device'], env)).code).toBe(4);

      // No key material anywhere in the server's storage: grep the bytes / every row for each issued key.
      await server.close();
      const haystacks: Buffer[] = [];
      if (kind === 'sqlite') {
        for (const name of readdirSync(fresh.dataDir)) {
          haystacks.push(readFileSync(join(fresh.dataDir, name)));
        }
      } else {
        const client = new pg.Client({ connectionString: fresh.databaseUrl });
        await client.connect();
        const tables = await client.query<{ tablename: string }>(
          "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
        );
        for (const { tablename } of tables.rows) {
          const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${tablename} t`);
          haystacks.push(Buffer.from(rows.rows.map((row) => row.row).join('\n')));
        }
        await client.end();
      }
      const all = Buffer.concat(haystacks);
      expect(all.length).toBeGreaterThan(0);
      expect(all.includes(key.facts.lookupHash)).toBe(true); // the hash is there…
      expect(all.includes(key.material)).toBe(false); // …the key is not,
      expect(all.includes(key.material.slice(3, 46))).toBe(false); // nor its random body,
      expect(all.includes(enrolmentCode)).toBe(false); // nor the enrolment code,
      expect(all.includes(token)).toBe(false); // nor the session token.
    },
  );
});
