import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/gateways.ts';
import {
  issueEnrolmentCodeByCli,
  startServerOnNewData,
  stopAndRemoveData,
  startServerProcess,
  type ServerProcess,
} from '../../support/server-process.ts';
import { hasStackTrace, makeCliSandboxWithVault, okJson as ok, parseJson } from './cli-harness.ts';
import { InProcessCli } from './cli-inprocess.ts';
import type { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import type { IntegrationUsage } from '../../../shared/sync/usage.ts';
import type { SyncStatus } from '../../../shared/sync/sync-status.ts';

/**
 * `keyward server connect|status|publish|disconnect`, `keyward usage` and `keys test` against the
 * server: refusals in-process (fast: arguments are checked before any password or network), the
 * rest with the real CLI spawned against a real `keyward-server` process, stopped and started again
 * to show the outbox waiting and going out.
 */

const PASSWORD = 'server commands password';
const env = { KEYWARD_PASSWORD: PASSWORD };
const CODE = 'ABCDE-FGHJK-MNPQR-STVWX';
const DAY = 86_400_000;

/**
 * The in-process CLI with the engine's server answers replaced (usage summary, status): to show how
 * `keyward usage` renders a given summary at a given time, which a real server's clock cannot.
 */
class CliWithServerAnswers extends InProcessCli {
  usage: ((integrationId: string, now: number) => IntegrationUsage) | null = null;

  override openEngine(path: string): KeywardEngine {
    const engine = super.openEngine(path);
    const status = (): SyncStatus => ({
      state: 'up-to-date',
      waiting: 0,
      reason: null,
      server: {
        url: 'https://keyward.example.com',
        deviceId: 'device-1',
        deviceName: 'laptop',
        connectedAt: 0,
        pinnedCertSha256: null,
        revision: 3,
        lastPublishAt: 0,
      },
    });
    engine.serverStatus = status;
    engine.integrationUsage = (ref: string) => {
      const id = engine.integration(ref).id;
      return Promise.resolve(
        this.usage?.(id, this.clock.now()) ?? { integrationId: id, until: 0, keys: [], recent: [] },
      );
    };
    return engine;
  }
}

function errorOf(run: { stderr: string }): { code: string; message: string } {
  return (parseJson(run.stderr) as { error: { code: string; message: string } }).error;
}

describe('refusals before anything is asked or sent (in-process)', () => {
  const clis: InProcessCli[] = [];
  afterEach(() => {
    for (const cli of clis.splice(0)) {
      cli.dispose();
    }
  });
  const newCli = () => {
    const cli = new InProcessCli();
    clis.push(cli);
    return cli;
  };

  it('a bad URL, http to another host, a malformed code or name, an unreadable --pin-cert: exit 2, no prompt, no vault needed', async () => {
    const cli = newCli(); // no vault at all: a refused argument must fail before the vault is looked at
    const pem = join(cli.dir, 'not-a-cert.pem');
    writeFileSync(pem, 'hello');
    const cases: [string[], RegExp][] = [
      [['server', 'connect', 'keyward.example.com', '--code', CODE], /is not a URL/],
      [['server', 'connect', 'ftp://keyward.example.com', '--code', CODE], /ftp: is not supported/],
      [
        ['server', 'connect', 'http://keyward.example.com', '--code', CODE],
        /Plain http:\/\/ is allowed only on this computer/,
      ],
      [['server', 'connect', 'http://10.0.0.5:8787', '--code', CODE], /only on this computer/],
      [
        ['server', 'connect', 'https://user:pw@keyward.example.com', '--code', CODE],
        /user name and password/,
      ],
      [
        ['server', 'connect', 'https://keyward.example.com', '--code', 'ABCDE-FGHIJ'],
        /--code must be an enrolment code/,
      ],
      [
        ['server', 'connect', 'https://keyward.example.com', '--code', 'ABCDE-FGHJK-MNPQR-STVW0'],
        /--code must be/,
      ],
      [['server', 'connect', 'https://keyward.example.com'], /required option '--code <code>'/],
      [
        ['server', 'connect', 'https://keyward.example.com', '--code', CODE, '--name', ' '],
        /--name must be 1–100/,
      ],
      [
        ['server', 'connect', 'https://keyward.example.com', '--code', CODE, '--pin-cert', pem],
        /not a PEM certificate/,
      ],
      [
        ['server', 'connect', 'http://127.0.0.1:8787', '--code', CODE, '--pin-cert', pem],
        /--pin-cert is for an https:\/\/ server/,
      ],
      [
        [
          'server',
          'connect',
          'https://keyward.example.com',
          '--code',
          CODE,
          '--pin-cert',
          join(cli.dir, 'none.pem'),
        ],
        /cannot read it \(ENOENT\)/,
      ],
      [
        ['integrations', 'add', '--name', 'X', '--platform', 'server', '--rate-limit', '100'],
        /--rate-limit must be N\/SECONDS/,
      ],
      [
        ['integrations', 'add', '--name', 'X', '--platform', 'server', '--rate-limit', '0/60'],
        /--rate-limit must be/,
      ],
      [['integrations', 'edit', 'X', '--accepts', 'anything'], /accepts/i],
    ];
    for (const [argv, message] of cases) {
      const text = await cli.run(argv, { isTTY: true, answer: () => PASSWORD });
      expect(text.code, argv.join(' ')).toBe(2);
      expect(text.questions, argv.join(' ')).toEqual([]);
      expect(text.stderr, argv.join(' ')).toMatch(message);
      expect(text.stderr).toMatch(/^keyward: [^\n]+\n$/);
      const json = await cli.run([...argv, '--json']);
      expect(json.code).toBe(2);
      expect(errorOf(json).code).toBe('USAGE');
    }
    // The code is never repeated back in a message.
    const bad = await cli.run(['server', 'connect', 'https://x.example', '--code', 'SECRETCODE-0000']);
    expect(bad.stderr).not.toContain('SECRETCODE');
  });

  it('connect needs re-authentication after a keychain unlock: exit 3 REAUTH_REQUIRED before anything is sent', async () => {
    const cli = newCli();
    await cli.json(['init', '--remember'], { env });
    const refused = await cli.run(['server', 'connect', 'http://127.0.0.1:9', '--code', CODE, '--json']);
    expect(refused.code).toBe(3);
    expect(errorOf(refused)).toMatchObject({ code: 'REAUTH_REQUIRED' });
    expect(errorOf(refused).message).toContain('`keyward server connect`');
  });

  it('without a server: status says not connected (exit 0); publish, disconnect and usage are NOT_CONNECTED (exit 5); keys test runs locally', async () => {
    const cli = newCli();
    await cli.json(['init'], { env });
    await cli.json(['integrations', 'add', '--name', 'Billing', '--platform', 'server'], { env });
    expect(await cli.json(['server', 'status'], { env })).toEqual({
      state: 'not-connected',
      waiting: 0,
      reason: null,
      server: null,
    });
    const text = await cli.run(['server', 'status'], { env });
    expect(text.stdout).toMatch(/^Not connected to a Keyward server/);
    for (const argv of [
      ['server', 'publish'],
      ['server', 'disconnect'],
      ['usage', 'Billing'],
    ]) {
      const run = await cli.run([...argv, '--json'], { env });
      expect(run.code, argv.join(' ')).toBe(5);
      expect(errorOf(run).code).toBe('NOT_CONNECTED');
      expect(hasStackTrace(run.stderr)).toBe(false);
    }
    const tested = await cli.run(['keys', 'test', 'Billing'], { env });
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/is accepted now \(checked locally\)\.\n$/);
    // A change without a server carries no "sync".
    const edited = await cli.json(['integrations', 'edit', 'Billing', '--rate-limit', '100/60'], { env });
    expect(edited['sync']).toBeUndefined();
    expect(edited['integration']).toMatchObject({
      accepts: 'key-or-secret',
      rateLimit: { requests: 100, windowSeconds: 60 },
    });
  });

  it('usage: sparklines, the recent calls, and during grace the hint to end it once the old key had no calls for a day', async () => {
    const cli = new CliWithServerAnswers();
    clis.push(cli);
    await cli.json(['init'], { env });
    await cli.json(['settings', 'set', 'utc', 'true'], { env });
    await cli.json(['integrations', 'add', '--name', 'Billing', '--platform', 'server'], { env });
    const rotated = await cli.json(['keys', 'rotate', 'Billing'], { env });
    const oldId = (rotated['previous'] as { id: string }).id;
    const newId = (rotated['key'] as { id: string }).id;
    const daily = (last: number) => [...new Array<number>(28).fill(0), 4, last];
    let oldCalls = 2;
    cli.usage = (integrationId, now) => ({
      integrationId,
      until: now,
      keys: [
        { keyId: newId, lastUsedAt: now - 60_000, daily: daily(8), callsLast24h: 8 },
        {
          keyId: oldId,
          lastUsedAt: oldCalls > 0 ? now - 3_600_000 : now - 2 * DAY,
          daily: daily(oldCalls),
          callsLast24h: oldCalls,
        },
      ],
      recent: [
        { at: now - 60_000, keyId: newId, outcome: 'OK', clientIp: '203.0.113.7', calls: 3 },
        { at: now - 120_000, keyId: null, outcome: 'KEY_UNKNOWN', clientIp: '198.51.100.9' },
      ],
    });
    const busy = await cli.run(['usage', 'Billing'], { env });
    expect(busy.code, busy.stderr).toBe(0);
    expect(busy.stdout).toMatch(
      /^Usage of "Billing" from https:\/\/keyward\.example\.com, as of \d{4}-\d\d-\d\dT[\d:]+Z:$/m,
    );
    expect(busy.stdout).toMatch(/^KEY +STATUS +LAST USED +30 DAYS +24 H$/m);
    expect(busy.stdout).toMatch(/^kw_\w{5}… +active +\d{4}-\d\d-\d\d \d\d:\d\dZ +·{28}▄█ +8$/m);
    expect(busy.stdout).toMatch(/^kw_\w{5}… +grace +\d{4}-\d\d-\d\d \d\d:\d\dZ +·{28}█▄ +2$/m);
    expect(busy.stdout).toMatch(
      /^Old key in grace: kw_\w{5}…, accepted until .+Z\.\n {2}Last call .+Z \(1 h ago\); 2 calls in the last 24 h\.$/m,
    );
    expect(busy.stdout).not.toContain('end-grace');
    expect(busy.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\dZ +203\.0\.113\.7 +kw_\w{5}… +OK ×3$/m);
    expect(busy.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\dZ +198\.51\.100\.9 +— +KEY_UNKNOWN$/m);
    for (const line of busy.stdout.split('\n')) {
      expect([...line].length, line).toBeLessThanOrEqual(80);
    }

    oldCalls = 0;
    const quiet = await cli.run(['usage', 'Billing'], { env });
    expect(quiet.stdout).toContain(
      `0 calls in the last 24 h.\n  No calls for a day: if nothing still uses it, end its grace now:\n    keyward keys end-grace ${oldId}\n`,
    );
    const json = await cli.json(['usage', 'Billing'], { env });
    expect(json['grace']).toEqual([
      expect.objectContaining({ keyId: oldId, callsLast24h: 0, canEndGrace: true }) as unknown,
    ]);
    expect(json['recent']).toEqual([
      {
        at: expect.stringMatching(/Z$/) as unknown,
        clientIp: '203.0.113.7',
        keyId: newId,
        masked: expect.stringMatching(/^kw_/) as unknown,
        outcome: 'OK',
        calls: 3,
      },
      {
        at: expect.stringMatching(/Z$/) as unknown,
        clientIp: '198.51.100.9',
        keyId: null,
        masked: null,
        outcome: 'KEY_UNKNOWN',
        calls: 1,
      },
    ]);
    const keys = json['keys'] as { id: string; daily: number[]; lastUsedAt: string | null }[];
    expect(keys.find((key) => key.id === newId)?.daily).toHaveLength(30);
  });

  it('--accepts and --rate-limit are stored and shown', async () => {
    const cli = newCli();
    await cli.json(['init'], { env });
    const added = await cli.run(
      [
        'integrations',
        'add',
        '--name',
        'Orders',
        '--platform',
        'server',
        '--accepts',
        'secret-only',
        '--rate-limit',
        '10/1',
      ],
      { env },
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(
      'Accepts a Secret only (a raw key is refused: SECRET_REQUIRED); rate limit: 10 calls per 1 s.',
    );
    const shown = await cli.run(['integrations', 'show', 'Orders'], { env });
    expect(shown.stdout).toMatch(/^Accepts: +a Secret only/m);
    expect(shown.stdout).toMatch(/^Rate limit: +10 calls per 1 s$/m);
    const edited = await cli.json(
      ['integrations', 'edit', 'Orders', '--accepts', 'key-only', '--rate-limit', 'none'],
      {
        env,
      },
    );
    expect(edited['integration']).toMatchObject({ accepts: 'key-only', rateLimit: null });
  });
});

describe('against a real keyward-server process (spawned CLI)', () => {
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    ({ dataDir, server } = await startServerOnNewData('keyward-cli-server-'));
  }, 60_000);

  afterAll(() => stopAndRemoveData(server, dataDir));

  it(
    'a used or unknown code is SERVER_REJECTED (exit 3); an unreachable server SERVER_UNREACHABLE (exit 7)',
    { timeout: 90_000 },
    async ({ onTestFinished }) => {
      const [{ cli }, code, closedPort] = await Promise.all([
        makeCliSandboxWithVault(onTestFinished, PASSWORD),
        issueEnrolmentCodeByCli(dataDir),
        freePort(),
      ]);
      const [wrong, unreachable] = await Promise.all([
        cli(['server', 'connect', server.base, '--code', CODE, '--json'], { env }),
        cli(['server', 'connect', `http://127.0.0.1:${closedPort}`, '--code', code, '--json'], { env }),
      ]);
      expect(wrong.code, wrong.stderr).toBe(3);
      expect(errorOf(wrong).code).toBe('SERVER_REJECTED');
      expect(unreachable.code, unreachable.stderr).toBe(7);
      expect(errorOf(unreachable).code).toBe('SERVER_UNREACHABLE');
      // Still not connected; the good code still works once, then is used.
      expect(ok(await cli(['server', 'status', '--json'], { env }), 'status')).toMatchObject({
        state: 'not-connected',
      });
      ok(await cli(['server', 'connect', server.base, '--code', code, '--json'], { env }), 'connect');
      const again = await cli(['server', 'connect', server.base, '--code', code, '--json'], { env });
      expect(again.code).toBe(5); // already connected
      expect(errorOf(again).code).toBe('INVALID_STATE');
    },
  );

  it(
    'connect → status → offline: changes wait (stderr says so) → publish once the server is back → keys test via the server → disconnect',
    { timeout: 120_000 },
    async ({ onTestFinished }) => {
      const [{ cli }, code] = await Promise.all([
        makeCliSandboxWithVault(onTestFinished, PASSWORD),
        issueEnrolmentCodeByCli(dataDir),
      ]);
      ok(
        await cli(['integrations', 'add', '--name', 'Billing', '--platform', 'server', '--json'], { env }),
        'add',
      );
      const connect = await cli(
        ['server', 'connect', `${server.base}/`, '--code', code.toLowerCase(), '--name', 'ci box'],
        {
          env,
        },
      );
      expect(connect.code, connect.stderr).toBe(0);
      expect(connect.stdout).toMatch(
        new RegExp(
          `^Connected to ${server.base.replace(/[.:/]/g, '\\$&')} as device "ci box" \\(id [\\w-]+\\)\\.\\nPublished everything`,
        ),
      );

      const status = await cli(['server', 'status'], { env });
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toContain(`Server:        ${server.base}\n`);
      expect(status.stdout).toMatch(/^Device: +ci box \(id [\w-]+\)$/m);
      expect(status.stdout).toMatch(/^Sync: +up to date$/m);
      expect(status.stdout).toMatch(/^Last publish: +\d{4}-\d\d-\d\dT.+\(server revision \d+\)$/m);

      const viaServer = ok(await cli(['keys', 'test', 'Billing', '--json'], { env }), 'keys test');
      expect(viaServer).toMatchObject({ accepted: true, checkedBy: 'server', server: server.base });
      const local = await cli(['keys', 'test', 'Billing', '--local'], { env });
      expect(local.stdout).toMatch(/\(checked locally\)\.\n$/);

      // The server goes away: the change is made, kept in the outbox, and said to be waiting.
      const port = server.port;
      await server.stop();
      const offline = await cli(['integrations', 'disable', 'Billing', '--json'], { env });
      expect(offline.code, offline.stderr).toBe(0);
      const waiting = parseJson(offline.stdout)['sync'] as { state: string; waiting: number };
      expect(waiting.state).toBe('offline');
      expect(waiting.waiting).toBeGreaterThan(0);
      expect(offline.stderr).toMatch(
        /^keyward: warning: not yet published to http:\/\/127\.0\.0\.1:\d+: offline.*: \d+ changes? waiting\. They go out with the next command, or run `keyward server publish`\.\n$/,
      );
      const [publishOffline, testOffline] = await Promise.all([
        cli(['server', 'publish', '--json'], { env }),
        cli(['keys', 'test', 'Billing', '--json'], { env }),
      ]);
      expect(publishOffline.code).toBe(7);
      expect(errorOf(publishOffline).code).toBe('SERVER_UNREACHABLE');
      expect(testOffline.code).toBe(7);
      expect(errorOf(testOffline).message).toMatch(/Add --local to test the key here\.$/);

      // Back on the same address: `server publish` sends what waited.
      server = await startServerProcess(dataDir, { port });
      const published = ok(await cli(['server', 'publish', '--json'], { env }), 'publish');
      expect(published).toMatchObject({ published: true, sync: { state: 'up-to-date', waiting: 0 } });
      const refused = await cli(['keys', 'test', 'Billing', '--json'], { env });
      expect(refused.code).toBe(5);
      expect(parseJson(refused.stdout)).toMatchObject({
        accepted: false,
        reason: 'API_DISABLED',
        checkedBy: 'server',
      });

      const disconnected = ok(await cli(['server', 'disconnect', '--json'], { env }), 'disconnect');
      expect(disconnected).toMatchObject({ disconnected: true, server: server.base });
      expect(ok(await cli(['server', 'status', '--json'], { env }), 'status')).toMatchObject({
        state: 'not-connected',
      });
      const afterwards = await cli(['keys', 'test', 'Billing', '--json'], { env });
      expect(parseJson(afterwards.stdout)).toMatchObject({
        reason: 'API_DISABLED',
        checkedBy: 'local',
        server: null,
      });
    },
  );
});
