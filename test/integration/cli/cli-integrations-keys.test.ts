import { describe, it } from 'vitest';
import { makeCliSandboxWithVault, parseJson } from './cli-harness.ts';
import type { CliRun } from './cli-harness.ts';
import { KEY_SHAPED_SOURCE, TOKEN_SHAPED_SOURCE } from '../../../shared/keys/redact.ts';

// The real CLI spawned on a temp vault (real Argon2id): the key lifecycle end to end, and the UTC
// setting. Each spawn costs ~0.5 s, so every step checks as much as its output shows.
const PASSWORD = 'correct horse battery';
const env = { KEYWARD_PASSWORD: PASSWORD };
/** Text that looks like API-key material (a prefix and a long base62 run) or a JWS. */
// The one key- and token-shaped pattern (shared/keys/redact.ts), as the activity log refuses it.
const KEY_MATERIAL = new RegExp(`${KEY_SHAPED_SOURCE}|${TOKEN_SHAPED_SOURCE}`);

function ok(run: CliRun): Record<string, unknown> {
  if (run.code !== 0) {
    throw new Error(`exit ${run.code}: ${run.stderr}`);
  }
  return parseJson(run.stdout);
}

interface KeyJson {
  id: string;
  masked: string;
  status: string;
  createdAt: string;
  expiresAt: string | null;
  graceEndsAt: string | null;
}

describe.concurrent('integrations and keys, spawned', () => {
  it('add → list → show → rotate (old key in grace) → revoke --grace 0 → delete the revoked key; the active key cannot be deleted', async ({
    expect,
    onTestFinished,
  }) => {
    const { cli, init } = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
    expect(init.code, init.stderr).toBe(0);

    const add = await cli(
      [
        'integrations',
        'add',
        '--name',
        'Billing',
        '--platform',
        'server',
        '--ip',
        '10.0.0.0/8,::1',
        '--grace-days',
        '5',
      ],
      { env },
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(
      /^Added integration "Billing" \(server, id [0-9a-f-]{36}\)\.\nFirst key: kw_\w{5}…/,
    );
    expect(add.stdout).toContain('IP ACL: 10.0.0.0/8, ::1/128.');
    expect(add.stdout).not.toMatch(KEY_MATERIAL);

    const list = await cli(['integrations', 'list', '--wide'], { env });
    expect(list.code, list.stderr).toBe(0);
    const [header, row, count] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME +PLATFORM +KEY +STATUS +EXPIRES IN +GRACE ENDS +LAST USED +CREATED$/);
    expect(row).toMatch(/^Billing +server +kw_\w{5}… +active +in 36\d d( \d+ h)? +— +— +\d{4}-\d\d-\d\dT/);
    expect(count).toBe('1 integration.');
    // Without --wide the table fits 80 columns.
    const narrow = await cli(['integrations', 'list'], { env });
    const [narrowHeader, narrowRow] = narrow.stdout.trimEnd().split('\n');
    expect(narrowHeader).toMatch(/^NAME +PLATFORM +KEY +STATUS +EXPIRES +LAST USED$/);
    expect(narrowRow).toMatch(/^Billing +server +kw_\w{5}… +active +in 36\d d +never$/);

    const shown = ok(await cli(['integrations', 'show', 'billing', '--json'], { env }));
    expect(shown['integration']).toMatchObject({
      name: 'Billing',
      platform: 'server',
      ipAcl: ['10.0.0.0/8', '::1/128'],
      prefix: 'kw_',
      graceDays: 5,
      enabled: true,
    });
    const [first] = shown['keys'] as KeyJson[];
    expect(first).toMatchObject({ status: 'active' });

    const rotated = ok(await cli(['keys', 'rotate', 'Billing', '--json'], { env }));
    const previous = rotated['previous'] as KeyJson;
    const second = rotated['key'] as KeyJson;
    expect(previous).toMatchObject({ id: first?.id, status: 'grace' });
    expect(previous.graceEndsAt).not.toBeNull();
    expect(second.status).toBe('active');
    expect(second.id).not.toBe(first?.id);

    const revoked = ok(await cli(['keys', 'revoke', 'Billing', '--grace', '0', '--json'], { env }));
    expect(revoked['previous']).toMatchObject({ id: second.id, status: 'revoked', graceEndsAt: null });
    const third = revoked['key'] as KeyJson;

    const deleted = ok(await cli(['keys', 'delete', second.id, '--json'], { env }));
    expect(deleted).toEqual({
      deleted: true,
      keyId: second.id,
      integrationId: expect.any(String) as unknown,
    });

    const refused = await cli(['keys', 'delete', third.id], { env });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toBe(
      'keyward: The active key cannot be deleted; it goes only with its integration.\n',
    );

    const keys = ok(await cli(['keys', 'list', 'Billing', '--json'], { env }))['keys'] as KeyJson[];
    expect(keys.map((key) => [key.id, key.status])).toEqual([
      [third.id, 'active'],
      [first?.id, 'grace'],
    ]);
  });

  it('settings set utc true: every timestamp printed afterwards is UTC with Z', async ({
    expect,
    onTestFinished,
  }) => {
    // A zone far from UTC, so that local time cannot pass for UTC.
    const kolkata = { ...env, TZ: 'Asia/Kolkata' };
    const { cli, init } = await makeCliSandboxWithVault(onTestFinished, PASSWORD, { env: kolkata });
    expect(init.code, init.stderr).toBe(0);
    const add = ok(
      await cli(['integrations', 'add', '--name', 'Shop', '--platform', 'web', '--json'], { env: kolkata }),
    );
    expect((add['key'] as KeyJson).createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);

    const set = ok(await cli(['settings', 'set', 'utc', 'true', '--json'], { env: kolkata }));
    expect(set).toEqual({ name: 'utc', value: true, previous: false, changed: true });

    const [keysText, logJson] = await Promise.all([
      cli(['keys', 'list', '--wide'], { env: kolkata }),
      cli(['log', '--limit', '3', '--json'], { env: kolkata }),
    ]);
    expect(keysText.code, keysText.stderr).toBe(0);
    const stamps = keysText.stdout.match(/\d{4}-\d\d-\d\dT[\d:]{8}\S*/g) ?? [];
    expect(stamps.length).toBeGreaterThanOrEqual(2); // created, expires
    for (const stamp of stamps) {
      expect(stamp).toMatch(/Z$/);
    }
    const entries = ok(logJson)['entries'] as { at: string; action: string }[];
    expect(entries.length).toBe(3);
    for (const entry of entries) {
      expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    expect(entries.map((entry) => entry.action)).toContain('settings.change');
  });
});
