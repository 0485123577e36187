import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KeywardError } from '../../../shared/errors.ts';
import { quoteSafely } from '../../../shared/keys/redact.ts';
import { fsyncDirectory } from '../atomic-file.ts';
import { ensureDirectory } from '../ensure-directory.ts';
import type { Clock } from '../clock.ts';
import { openVaultDatabase } from '../db/open-database.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import { readVaultHeader, writeVaultHeader } from '../vault-header.ts';
import type { VaultHeader } from '../vault-header.ts';
import type { VaultFiles } from '../vault-paths.ts';
import { readMeta } from '../db/meta.ts';

/** How many days of backups are kept. */
export const BACKUP_RETENTION_DAYS = 14;
/** How often the scheduler makes one. */
export const BACKUP_INTERVAL_MS = 24 * 3600_000;

/** One backup on disk. */
export interface BackupInfo {
  /** The name to pass to restore, e.g. `keyward-20261123T120000Z`. */
  name: string;
  createdAt: number;
  bytes: number;
  path: string;
}

const NAME_PATTERN = /^keyward-(\d{8}T\d{6}(?:\d{3})?Z)\.vault$/;

function stamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.(\d{3})Z$/, '$1Z');
}
function parseStamp(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?Z$/.exec(text);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +(m[7] ?? 0)) : NaN;
}

/**
 * Encrypted backups of the vault: a consistent online copy made with `VACUUM INTO` while the vault is
 * open (SQLite3MultipleCiphers writes it encrypted with the vault's own key; the SQLite backup API
 * refuses an encrypted source with an unkeyed target in this binding), next to a copy of the header,
 * so a backup opens with the master password that was current when it was made. Kept 14 days.
 */
export class BackupService {
  private readonly files: VaultFiles;
  private readonly clock: Clock;
  readonly directory: string;

  constructor(files: VaultFiles, clock: Clock, directory = join(dirname(files.database), 'backups')) {
    this.files = files;
    this.clock = clock;
    this.directory = directory;
  }

  /** Backups, newest first. */
  list(): BackupInfo[] {
    // No folder (or something else in its place, which the next backup reports): no backups.
    if (statSync(this.directory, { throwIfNoEntry: false })?.isDirectory() !== true) {
      return [];
    }
    return readdirSync(this.directory)
      .map((file) => ({ file, match: NAME_PATTERN.exec(file) }))
      .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
      .filter((entry) => existsSync(join(this.directory, `${entry.file}.header`)))
      .map(({ file, match }) => {
        const path = join(this.directory, file);
        return {
          name: file.replace(/\.vault$/, ''),
          createdAt: parseStamp(match[1]!),
          bytes: statSync(path).size,
          path,
        };
      })
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * When the newest backup was made, or null: the same answer as `list()[0]`, but from one listing
   * of the folder and one check for the newest backup's header (no stat of every backup) — every
   * unlock asks it, for the daily backup (BENCHMARKS.md, `cli-startup`).
   */
  lastBackupAt(): number | null {
    let files: string[];
    try {
      files = readdirSync(this.directory);
    } catch {
      // No folder (or something else in its place, which the next backup reports): no backups.
      return null;
    }
    const stamps = files
      .map((file) => ({ file, match: NAME_PATTERN.exec(file) }))
      .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
      .map(({ file, match }) => ({ file, createdAt: parseStamp(match[1]!) }))
      .sort((a, b) => b.createdAt - a.createdAt);
    // A backup counts once its header is there (written last), as in list().
    return stamps.find(({ file }) => existsSync(join(this.directory, `${file}.header`)))?.createdAt ?? null;
  }

  /**
   * Makes a backup of the open vault now and prunes old ones. A backup that fails part-way leaves
   * nothing behind (no `*.partial` file, no lone header); partial files that failed runs of older
   * versions left are removed too.
   */
  create(db: SqliteDatabase): BackupInfo {
    ensureDirectory(this.directory);
    this.removeLeftovers();
    const now = this.clock.now();
    let at = now;
    while (existsSync(join(this.directory, `keyward-${stamp(at)}.vault`))) {
      at++; // two backups in the same millisecond: the names stay unique and ordered
    }
    const name = `keyward-${stamp(at)}`;
    const target = join(this.directory, `${name}.vault`);
    const partial = `${target}.partial`;
    rmSync(partial, { force: true });
    try {
      // Owner-only from its first byte: VACUUM INTO fills an empty file and keeps its mode.
      closeSync(openSync(partial, 'wx', 0o600));
      db.prepare('VACUUM INTO ?').run(partial);
      chmodSync(partial, 0o600);
      const header = readVaultHeader(this.files.header);
      writeVaultHeader(`${target}.header`, { ...header, deviceWrap: null });
      renameSync(partial, target);
    } catch (error) {
      rmSync(partial, { force: true });
      rmSync(`${target}.header`, { force: true });
      throw error;
    }
    fsyncDirectory(this.directory);
    this.prune(now);
    return { name, createdAt: at, bytes: statSync(target).size, path: target };
  }

  /**
   * Removes `keyward-*.vault.partial` files older than an hour: what a failed or killed backup left
   * (a backup running now in another process writes a younger one, which is left alone).
   */
  private removeLeftovers(): void {
    const cutoff = Date.now() - 3600_000;
    for (const file of readdirSync(this.directory)) {
      if (!/^keyward-.*\.vault\.partial$/.test(file)) {
        continue;
      }
      const path = join(this.directory, file);
      try {
        if (statSync(path).mtimeMs < cutoff) {
          rmSync(path, { force: true });
        }
      } catch {
        // Gone already: nothing to do.
      }
    }
  }

  /** Deletes backups older than the retention period (the newest is always kept). */
  prune(now = this.clock.now()): string[] {
    const removed: string[] = [];
    for (const [index, backup] of this.list().entries()) {
      if (index > 0 && backup.createdAt < now - BACKUP_RETENTION_DAYS * 24 * 3600_000) {
        rmSync(backup.path, { force: true });
        rmSync(`${backup.path}.header`, { force: true });
        removed.push(backup.name);
      }
    }
    return removed;
  }

  /**
   * Restores a backup over the vault. The backup is first opened and checked under a temporary name
   * with `password` (the master password of when it was made); only then is the current vault moved
   * aside (kept as `<vault>.before-restore-<time>`, never deleted) and the backup moved into place.
   * The vault must be locked. Returns where the previous vault was kept.
   */
  async restore(
    name: string,
    password: string,
    onOpened: ((db: SqliteDatabase) => void) | undefined,
    unwrap: UnwrapWithPassword,
  ): Promise<{ previous: string | null }> {
    const backup = this.list().find((candidate) => candidate.name === name);
    if (!backup) {
      throw new KeywardError(
        'NOT_FOUND',
        `No backup named "${quoteSafely(basename(name), 80)}"; see \`keyward backup list\`.`,
      );
    }
    const header = readVaultHeader(`${backup.path}.header`);
    return restoreVaultFiles({
      files: this.files,
      header,
      databaseSource: backup.path,
      password,
      clock: this.clock,
      ...(onOpened ? { onOpened } : {}),
      unwrap,
    });
  }
}

/**
 * Checks `password` against a header and returns the data key it wraps, or throws WRONG_PASSWORD.
 * The engine passes one that counts the attempt and backs off like an unlock (`Vault.unwrapCounted`):
 * there is no uncounted password check, for a restore or for an import.
 */
export type UnwrapWithPassword = (
  header: VaultHeader,
  password: string,
  wrongMessage: string,
) => Promise<Buffer>;

const WRONG_BACKUP_PASSWORD = 'That is not the master password this backup was made with.';

/** Opens `header` + database copy with `password`, checks it, and only then swaps it in. */
export async function restoreVaultFiles(args: {
  files: VaultFiles;
  header: VaultHeader;
  databaseSource: string;
  password: string;
  clock: Clock;
  onOpened?: (db: SqliteDatabase) => void;
  /** How the password is checked (counted: `Vault.unwrapCounted`). */
  unwrap: UnwrapWithPassword;
}): Promise<{ previous: string | null }> {
  const { files, header, password, clock } = args;
  const dataKey = await args.unwrap(header, password, WRONG_BACKUP_PASSWORD);
  const staging = `${files.database}.restoring`;
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(`${staging}${suffix}`, { force: true });
  }
  try {
    copyFileSync(args.databaseSource, staging);
    chmodSync(staging, 0o600); // a backup made before backups were 0600 must not widen the vault's mode
    const db = openVaultDatabase(staging, { dataKey, create: false, expectVaultId: header.vaultId });
    try {
      const id = readMeta(db, 'vault_id');
      const integrity = db.pragma('integrity_check', { simple: true });
      if (id !== header.vaultId || integrity !== 'ok') {
        throw new KeywardError(
          'VAULT_CORRUPT',
          'The backup does not pass its integrity check; nothing was changed.',
        );
      }
      args.onOpened?.(db);
    } finally {
      db.close();
    }
  } catch (error) {
    rmSync(staging, { force: true });
    throw error;
  } finally {
    dataKey.fill(0);
  }
  let previous: string | null = null;
  if (existsSync(files.database)) {
    previous = `${files.database}.before-restore-${stamp(clock.now())}`;
    renameSync(files.database, previous);
    if (existsSync(files.header)) {
      renameSync(files.header, `${previous}.header`);
    }
  }
  writeVaultHeader(files.header, { ...header, deviceWrap: null });
  renameSync(staging, files.database);
  fsyncDirectory(dirname(files.database));
  return { previous };
}
