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

/**
 * Makes every method `prototype` defines, called on `target`, report a damaged database page as
 * VAULT_CORRUPT pointing to `backup restore`, whether it throws or its promise rejects. The engine
 * applies it to itself, so damage met mid-session (a page first read long after the unlock) reaches
 * every host — the desktop's IPC, the CLI — as VAULT_CORRUPT, never as an internal error, including
 * from methods added later. Getters are left alone. Inner calls see the mapped error too: code that
 * must tell damage apart inspects it with {@link isVaultCorrupt}.
 */
export function reportCorruptionFromMethods(target: object, prototype: object): void {
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const method = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
    if (name === 'constructor' || typeof method !== 'function') {
      continue;
    }
    Object.defineProperty(target, name, {
      configurable: true,
      writable: true,
      value: function reportingCorruption(this: unknown, ...args: unknown[]): unknown {
        let result: unknown;
        try {
          result = (method as (...a: unknown[]) => unknown).apply(this, args);
        } catch (error) {
          throw mapCorruption(error);
        }
        return result instanceof Promise
          ? result.catch((error: unknown) => {
              throw mapCorruption(error);
            })
          : result;
      },
    });
  }
}

/** Whether `error` says the vault database is damaged: SQLite's own error or its VAULT_CORRUPT. */
export function isVaultCorrupt(error: unknown): boolean {
  return isDatabaseCorruption(error) || (error instanceof KeywardError && error.code === 'VAULT_CORRUPT');
}
