import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gatewayAvailable,
  requestFrom,
  startEchoApi,
  startNginx,
  type ClientResponse,
  type EchoedRequest,
  type RunningGateway,
} from '../../support/gateways.ts';
import {
  issueEnrolmentCodeByCli,
  startServerOnNewData,
  stopAndRemoveData,
  type ServerProcess,
} from '../../support/server-process.ts';
import {
  makeCliSandboxWithVault,
  okJson as ok,
  parseJson,
  type CliRun,
  type CliSandbox,
} from './cli-harness.ts';

/**
 * The issue's walk-through, from the command line: the real `keyward` CLI (spawned, real Argon2id,
 * real encrypted vault) connected to a real `keyward-server` process, with Debian's nginx in front
 * of a real API (server/deploy/nginx/keyward.conf, `auth_request`). Every change goes from the CLI
 * through the server's publish to what nginx lets through:
 *
 * 1. create a key and copy it (`keys reveal`); 2. it verifies through nginx; 3. revoke with grace:
 * both keys verify; 4. end grace: the old key gets 401; 5. from an address outside the IP ACL, 403
 * (nginx passes the client's address; the server trusts nginx's X-Forwarded-For); 6. Secret-only: the
 * raw key gets 401 SECRET_REQUIRED, a Secret 200; 7. `keyward usage` shows those calls.
 *
 * About 13 CLI runs, each a process with real Argon2id: 28 s measured on 2 cores at a load average
 * of 7 (other suites running); the timeout only guards against a hang.
 */

const PASSWORD = 'walk-through password';
const env = { KEYWARD_PASSWORD: PASSWORD };
/** The client addresses: inside the integration's IP ACL, and outside it. */
const INSIDE = '127.0.3.10';
const OUTSIDE = '127.0.3.30';

const codeOf = (response: ClientResponse) => response.headers['x-keyward-code'];

describe.skipIf(!gatewayAvailable('nginx'))('the CLI walk-through: CLI → keyward-server → nginx', () => {
  let dataDir: string;
  let server: ServerProcess;
  let api: Awaited<ReturnType<typeof startEchoApi>>;
  let nginx: RunningGateway;

  beforeAll(async () => {
    // nginx connects from 127.0.0.1: the one trusted proxy, whose forwarded client IP counts.
    [{ dataDir, server }, api] = await Promise.all([
      startServerOnNewData('keyward-walkthrough-server-', { args: ['--trusted-proxy', '127.0.0.1/32'] }),
      startEchoApi(),
    ]);
    nginx = await startNginx({ verifyPort: server.port, apiPort: api.port });
  }, 60_000);

  afterAll(async () => {
    await nginx?.close();
    await api?.close();
    await stopAndRemoveData(server, dataDir);
  });

  it(
    'create → verify → revoke with grace → end grace → IP ACL → Secret-only → usage',
    { timeout: 120_000 },
    async ({ onTestFinished }) => {
      const through = (key: string, from = INSIDE, header = 'x-api-key') =>
        requestFrom(`${nginx.base}/orders`, {
          from,
          headers: { [header]: header === 'authorization' ? `Bearer ${key}` : key },
        });
      const [sandbox, code] = await Promise.all([
        makeCliSandboxWithVault(onTestFinished, PASSWORD),
        issueEnrolmentCodeByCli(dataDir),
      ]);
      const { cli, init }: CliSandbox & { init: CliRun } = sandbox;
      expect(init.code, init.stderr).toBe(0);

      // Connect (the password from the environment is the re-authentication connect needs).
      const connected = ok(
        await cli(['server', 'connect', server.base, '--code', code, '--name', 'walk-through', '--json'], {
          env,
        }),
        'server connect',
      );
      expect(connected).toMatchObject({
        connected: true,
        sync: { state: 'up-to-date', waiting: 0, server: { url: server.base, deviceName: 'walk-through' } },
      });

      // 1. Create a key (published as the command ends) and copy it.
      const added = ok(
        await cli(
          [
            'integrations',
            'add',
            '--name',
            'Orders',
            '--platform',
            'server',
            '--ip',
            `${INSIDE}/32`,
            '--grace-days',
            '3',
            '--json',
          ],
          { env },
        ),
        'integrations add',
      );
      expect(added['sync']).toMatchObject({ state: 'up-to-date', waiting: 0 });
      const firstId = (added['key'] as { id: string }).id;
      const first = ok(await cli(['keys', 'reveal', firstId, '--json'], { env }), 'keys reveal')[
        'key'
      ] as string;

      // 2. It verifies through nginx, which passes the integration headers on.
      const verified = await through(first);
      expect(verified.status, nginx.logs()).toBe(200);
      expect((JSON.parse(verified.body) as EchoedRequest).headers['x-keyward-key-id']).toBe(firstId);

      // 3. Revoke with grace: a new key, the old one accepted for 1 day; both verify.
      const revoked = ok(
        await cli(['keys', 'revoke', 'Orders', '--grace', '1', '--json'], { env }),
        'keys revoke',
      );
      expect(revoked['sync']).toMatchObject({ state: 'up-to-date' });
      const secondId = (revoked['key'] as { id: string }).id;
      const second = ok(await cli(['keys', 'reveal', secondId, '--json'], { env }), 'keys reveal')[
        'key'
      ] as string;
      expect((await through(first)).status).toBe(200);
      expect((await through(second, INSIDE, 'authorization')).status).toBe(200);

      // 4. End grace: the old key gets 401 (revoked), the new one still verifies.
      ok(await cli(['keys', 'end-grace', firstId, '--json'], { env }), 'keys end-grace');
      const ended = await through(first);
      expect(ended.status).toBe(401);
      expect(codeOf(ended)).toBe('KEY_REVOKED');
      expect((await through(second)).status).toBe(200);

      // 5. From an address outside the IP ACL: 403. The server's own test says the same for that address.
      const outside = await through(second, OUTSIDE);
      expect(outside.status).toBe(403);
      expect(codeOf(outside)).toBe('IP_NOT_ALLOWED');
      const tested = await cli(['keys', 'test', 'Orders', '--ip', OUTSIDE, '--json'], { env });
      expect(tested.code, tested.stderr).toBe(5);
      expect(parseJson(tested.stdout)).toMatchObject({
        accepted: false,
        reason: 'IP_NOT_ALLOWED',
        checkedBy: 'server',
        server: server.base,
      });

      // 6. Secret-only: the raw key gets 401 SECRET_REQUIRED, a Secret reaches the API.
      const edited = ok(
        await cli(['integrations', 'edit', 'Orders', '--accepts', 'secret-only', '--json'], { env }),
        'integrations edit',
      );
      expect(edited['integration']).toMatchObject({ accepts: 'secret-only' });
      const raw = await through(second);
      expect(raw.status).toBe(401);
      expect(codeOf(raw)).toBe('SECRET_REQUIRED');
      const secret = ok(await cli(['secret', 'Orders', '--json'], { env }), 'secret')['token'] as string;
      expect((await through(secret, INSIDE, 'authorization')).status, nginx.logs()).toBe(200);

      // 7. The usage shows those calls (the server writes its request log about once a second).
      await new Promise((done) => setTimeout(done, 1100));
      let usage: Record<string, unknown> = {};
      for (let attempt = 0; attempt < 20; attempt += 1) {
        usage = ok(await cli(['usage', 'Orders', '--json'], { env }), 'usage');
        const calls = (usage['recent'] as { calls: number }[]).reduce((sum, call) => sum + call.calls, 0);
        if (calls >= 9) {
          break;
        }
        await new Promise((done) => setTimeout(done, 300));
      }
      const recent = usage['recent'] as { outcome: string; clientIp: string; keyId: string | null }[];
      expect(recent.map((call) => call.outcome)).toEqual(
        expect.arrayContaining(['OK', 'KEY_REVOKED', 'IP_NOT_ALLOWED', 'SECRET_REQUIRED']),
      );
      expect(recent.find((call) => call.outcome === 'IP_NOT_ALLOWED')?.clientIp).toBe(OUTSIDE);
      expect(recent.find((call) => call.outcome === 'KEY_REVOKED')).toMatchObject({
        keyId: firstId,
        clientIp: INSIDE,
      });
      const keys = usage['keys'] as {
        id: string;
        lastUsedAt: string | null;
        daily: number[];
        callsLast24h: number;
      }[];
      const secondUsage = keys.find((key) => key.id === secondId);
      expect(secondUsage?.lastUsedAt).not.toBeNull();
      expect(secondUsage?.daily.at(-1)).toBeGreaterThanOrEqual(3);

      // The text form: a sparkline per key and the recent calls with their outcome (alike calls
      // within one second are one line, "× N").
      const text = await cli(['usage', 'Orders'], { env });
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/^kw_\w{5}… +active +\d{4}-\d\d-\d\d \d\d:\d\d +[·▁▂▃▄▅▆▇█]{30} +\d+$/m);
      expect(text.stdout).toMatch(
        new RegExp(
          `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +${OUTSIDE.replace(/\./g, '\\.')} +kw_\\w{5}… +IP_NOT_ALLOWED( ×\\d+)?$`,
          'm',
        ),
      );
    },
  );
});
