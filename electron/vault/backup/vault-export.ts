import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { KeywardError } from '../../../shared/errors.ts';
import { writeFileAtomic } from '../atomic-file.ts';
import { ensureDirectory } from '../ensure-directory.ts';
import type { Clock } from '../clock.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import { readVaultHeader, vaultHeaderSchema } from '../vault-header.ts';
import type { VaultFiles } from '../vault-paths.ts';
import { dropOutboxTriggers } from '../sync/outbox-triggers.ts';
import { DEVICE_SYNC_TABLES } from '../sync/sync-store.ts';
import { restoreVaultFiles } from './backup-service.ts';
import type { UnwrapWithPassword } from './backup-service.ts';

/** Largest export Keyward reads back (guards against a wrong file being slurped). */
export const MAX_EXPORT_BYTES = 512 * 1024 * 1024;

const exportSchema = z.strictObject({
  format: z.literal('keyward-vault-export'),
  version: z.literal(1),
  exportedAt: z.iso.datetime(),
  header: vaultHeaderSchema,
  /** The database as `VACUUM INTO` wrote it: encrypted with the vault's data key. */
  database: z.base64(),
});

/**
 * Empties, in the copy at `path` (an encrypted `VACUUM INTO` of `db`), what ties the vault to this
 * device on a Keyward server: the connection, the device's private key and the outbox
 * ({@link DEVICE_SYNC_TABLES}), and the outbox triggers, which exist only while connected. The copy
 * is attached with the vault's own key (SQLite3MultipleCiphers uses the main database's key for an
 * ATTACH without one), deleted with `secure_delete` and vacuumed, so not even its free pages keep
 * the device key.
 */
function dropDeviceSync(db: SqliteDatabase, path: string): void {
  db.prepare('ATTACH DATABASE ? AS export_copy').run(path);
  try {
    db.pragma('export_copy.secure_delete = ON');
    dropOutboxTriggers(db, 'export_copy');
    db.exec(DEVICE_SYNC_TABLES.map((table) => `DELETE FROM export_copy.${table};`).join(' '));
    db.exec('VACUUM export_copy');
  } finally {
    db.exec('DETACH DATABASE export_copy');
  }
}

/**
 * Writes the whole vault to one file: the header (data key wrapped by the master password) and the
 * encrypted database. Nothing in it is readable without the master password. Refuses to overwrite.
 * An export is for another machine, so it carries no server connection, device key or outbox
 * (that machine connects with its own enrolment code); a backup, for this machine, keeps them.
 */
export function exportVault(args: { db: SqliteDatabase; files: VaultFiles; target: string; clock: Clock }): {
  bytes: number;
} {
  if (existsSync(args.target)) {
    throw new KeywardError('INVALID_STATE', `${args.target} already exists; choose a new file name.`);
  }
  const temp = `${args.target}.vacuum-tmp`;
  rmSync(temp, { force: true });
  try {
    args.db.prepare('VACUUM INTO ?').run(temp);
    dropDeviceSync(args.db, temp);
    const bundle = {
      format: 'keyward-vault-export',
      version: 1,
      exportedAt: new Date(args.clock.now()).toISOString(),
      header: { ...readVaultHeader(args.files.header), deviceWrap: null },
      database: readFileSync(temp).toString('base64'),
    };
    writeFileAtomic(args.target, JSON.stringify(bundle));
  } finally {
    for (const file of [temp, `${temp}-journal`, `${temp}-wal`, `${temp}-shm`]) {
      rmSync(file, { force: true });
    }
  }
  return { bytes: statSync(args.target).size };
}

/**
 * Imports an export as the vault at `files` — only where no vault exists yet (never over one). The
 * export is opened and checked with `password` before anything is written in place; `unwrap` is
 * how the password is checked (the engine's counts it with the unlock counter of `files`).
 */
export async function importVault(args: {
  source: string;
  files: VaultFiles;
  password: string;
  clock: Clock;
  unwrap: UnwrapWithPassword;
  onOpened?: (db: SqliteDatabase) => void;
}): Promise<{ vaultId: string }> {
  if (existsSync(args.files.database)) {
    throw new KeywardError(
      'VAULT_EXISTS',
      `A vault already exists at ${args.files.database}; import into a new path (--vault).`,
    );
  }
  if (!existsSync(args.source)) {
    throw new KeywardError('NOT_FOUND', `No file at ${args.source}.`);
  }
  if (statSync(args.source).size > MAX_EXPORT_BYTES) {
    throw new KeywardError('INVALID_INPUT', `${args.source} is larger than any Keyward export could be.`);
  }
  let parsed: z.infer<typeof exportSchema>;
  try {
    const result = exportSchema.safeParse(JSON.parse(readFileSync(args.source, 'utf8')));
    if (!result.success) {
      throw new Error('schema');
    }
    parsed = result.data;
  } catch {
    // Not swallowed: bad JSON or a schema mismatch becomes the typed INVALID_INPUT error below.
    throw new KeywardError('INVALID_INPUT', `${args.source} is not a Keyward vault export.`);
  }
  ensureDirectory(dirname(args.files.database));
  const temp = `${args.files.database}.import-tmp`;
  try {
    writeFileSync(temp, Buffer.from(parsed.database, 'base64'), { mode: 0o600 });
    await restoreVaultFiles({
      files: args.files,
      header: parsed.header,
      databaseSource: temp,
      password: args.password,
      clock: args.clock,
      unwrap: args.unwrap,
      ...(args.onOpened ? { onOpened: args.onOpened } : {}),
    });
  } finally {
    rmSync(temp, { force: true });
  }
  return { vaultId: parsed.header.vaultId };
}
