import { KeywardError } from '../../../shared/errors.ts';

/** What to do about a damaged vault, for every message that reports one. */
export const RESTORE_HINT =
  'Restore the newest backup: `keyward backup list`, then `keyward backup restore NAME` (in the app: Settings → Backups). The damaged files are kept beside the restored vault.';

/**
 * Whether `error` is SQLite saying the database file is damaged: a page that fails its
 * authentication tag (SQLite3MultipleCiphers reports it as SQLITE_CORRUPT or SQLITE_NOTADB), or a
 * malformed b-tree.
 */
export function isDatabaseCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** VAULT_CORRUPT for a damaged database page, pointing to `backup restore`. */
export function corruptDatabaseError(cause: unknown): KeywardError {
  return new KeywardError(
    'VAULT_CORRUPT',
    `The vault database is damaged (a page fails its check). ${RESTORE_HINT}`,
    {
      cause,
    },
  );
}

/** `error`, or VAULT_CORRUPT pointing to `backup restore` when it is SQLite reporting damage. */
export function mapCorruption(error: unknown): unknown {
  return isDatabaseCorruption(error) ? corruptDatabaseError(error) : error;
}
