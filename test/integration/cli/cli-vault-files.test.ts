import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { createSystemClock } from '../../../electron/vault/clock.ts';
import { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { engineInternals } from '../../support/engine-internals.ts';
import { MemoryKeychain } from '../../support/temp-vault.ts';
import { makeCliSandboxWithVault, parseJson } from './cli-harness.ts';
import type { CliRun } from './cli-harness.ts';
import { containsKeyMaterial } from '../../../shared/keys/redact.ts';

// The real CLI spawned on a temp vault: the activity log (verify, tamper, export), backups, and
// encrypted export / import.
const PASSWORD = 'correct horse battery';
const env = { KEYWARD_PASSWORD: PASSWORD };

function ok(run: CliRun): Record<string, unknown> {
  if (run.code !== 0) {
    throw new Error(`exit ${run.code}: ${run.stderr}`);
  }
  return parseJson(run.stdout);
}

describe.concurrent('the activity log, backups and exports, spawned', () => {
  it('log --verify is OK; an edited entry makes it exit 8 naming that entry; --export writes CSV', async ({
    expect,
    onTestFinished,
  }) => {
    const { cli, init, vault, dir } = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
    expect(init.code, init.stderr).toBe(0);
    ok(
      await cli(['integrations', 'add', '--name', '=HYPERLINK("x")', '--platform', 'web', '--json'], { env }),
    );

    const csvFile = join(dir, 'log.csv');
    const [verified, exportRun] = await Promise.all([
      cli(['log', '--verify'], { env }),
      cli(['log', '--export', csvFile, '--json'], { env }),
    ]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^OK: the activity log verifies: \d+ entries, each chained/);
    const exported = ok(exportRun);
    expect(exported).toMatchObject({ exported: true, file: csvFile, format: 'csv' });
    const csv = readFileSync(csvFile, 'utf8').split('\r\n');
    expect(csv[0]).toBe(
      'seq,at,actor,action,outcome,integrationId,integrationName,keyId,details,prevHash,hash',
    );
    expect(csv.length - 2).toBe(exported['entries']); // header + rows + the empty string after the last CRLF
    const create = csv.find((line) => line.includes(',integration.create,'));
    expect(create).toContain(`,"'=HYPERLINK(""x"")",`); // a formula is defused (and quoted, for its quotes)
    expect(containsKeyMaterial(csv.join('\n'))).toBe(false);
    const again = await cli(['log', '--export', csvFile], { env });
    expect(again.code).toBe(5); // never overwrites

    // Tamper with entry 2 in-process, the way someone with the master password and SQLite could
    // (dropping the trigger that keeps the table append-only first).
    const engine = new KeywardEngine({
      path: vault,
      clock: createSystemClock(),
      keychain: new MemoryKeychain(),
      actor: 'attacker@test',
    });
    await engine.unlockWithPassword(PASSWORD);
    const { db } = engineInternals(engine);
    db.prepare('DROP TRIGGER activity_log_no_update').run();
    db.prepare(`UPDATE activity_log SET outcome = 'failure' WHERE seq = 2`).run();
    engine.lock();

    const [text, json] = await Promise.all([
      cli(['log', '--verify'], { env }),
      cli(['log', '--verify', '--json'], { env }),
    ]);
    expect(text.code).toBe(8);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(
      /^keyward: The activity log does not verify: entry 2 was edited \(first bad entry: #2; \d+ entries read\)\.\n$/,
    );
    expect(json.code).toBe(8);
    expect(parseJson(json.stderr)).toMatchObject({ error: { code: 'LOG_TAMPERED' } });
  });

  it('backup now → list → restore: the vault is as it was, and the previous one is kept', async ({
    expect,
    onTestFinished,
  }) => {
    const { cli, init, vault } = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
    expect(init.code, init.stderr).toBe(0);
    ok(await cli(['integrations', 'add', '--name', 'Before', '--platform', 'web', '--json'], { env }));
    const made = ok(await cli(['backup', 'now', '--json', '--utc'], { env }))['backup'] as {
      name: string;
      createdAt: string;
    };
    expect(made.name).toMatch(/^keyward-\d{8}T\d{9}Z$/);
    expect(made.createdAt).toMatch(/Z$/);
    ok(await cli(['integrations', 'add', '--name', 'After', '--platform', 'web', '--json'], { env }));

    const listed = ok(await cli(['backup', 'list', '--json'])); // no password needed
    expect((listed['backups'] as { name: string }[]).map((backup) => backup.name)).toContain(made.name);

    const restored = ok(await cli(['backup', 'restore', made.name, '--json'], { env }));
    const previous = restored['previous'] as string;
    expect(restored).toMatchObject({ restored: made.name, path: vault });
    expect(previous).toMatch(/keyward\.vault\.before-restore-\d{8}T\d{9}Z$/);
    expect(existsSync(previous) && existsSync(`${previous}.header`)).toBe(true);

    const names = (
      ok(await cli(['integrations', 'list', '--json'], { env }))['integrations'] as { name: string }[]
    ).map((integration) => integration.name);
    expect(names).toEqual(['Before']);

    const [wrong, missing] = await Promise.all([
      cli(['backup', 'restore', made.name], { env: { KEYWARD_PASSWORD: 'not the password' } }),
      cli(['backup', 'restore', 'keyward-nothing'], { env }),
    ]);
    expect(wrong.code).toBe(3);
    expect(missing.code).toBe(4);
  });

  it('export FILE → import FILE into a new path: the same integrations and vault id', async ({
    expect,
    onTestFinished,
  }) => {
    const { cli, init, dir } = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
    expect(init.code, init.stderr).toBe(0);
    ok(await cli(['integrations', 'add', '--name', 'Exported', '--platform', 'desktop', '--json'], { env }));
    const file = join(dir, 'vault.export');
    const exported = ok(await cli(['export', file, '--json'], { env }));
    expect(exported).toMatchObject({ exported: true, file });
    expect(readFileSync(file, 'utf8')).not.toContain('Exported'); // encrypted

    const copy = join(dir, 'copy', 'keyward.vault');
    const [imported, refused] = await Promise.all([
      cli(['--vault', copy, 'import', file, '--json'], { env }),
      cli(['import', file], { env }), // a vault is already at the sandbox path
    ]);
    expect(refused.code).toBe(5);
    expect(ok(imported)).toMatchObject({
      imported: true,
      path: copy,
      vaultId: parseJson(init.stdout)['vaultId'],
    });
    const names = (
      ok(await cli(['--vault', copy, 'integrations', 'list', '--json'], { env }))['integrations'] as {
        name: string;
      }[]
    ).map((integration) => integration.name);
    expect(names).toEqual(['Exported']);
  });
});
