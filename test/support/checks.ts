import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeywardError } from '../../shared/errors.ts';

/** The KeywardError code `run` throws, or 'no error'; anything else thrown is rethrown. */
export function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof KeywardError) {
      return error.code;
    }
    throw error;
  }
  return 'no error';
}

/** {@link codeOf} for a promise, or a function that may return one. */
export async function codeOfAsync(action: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    if (error instanceof KeywardError) {
      return error.code;
    }
    throw error;
  }
  return 'no error';
}

/** SHA-256 of a file's bytes, hex. */
export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file in `dir` with its hash: what is on disk, to compare before and after. */
export function folderSnapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      // The lockout counter's lock file holds no data: taking the lock is not changing the vault.
      .filter((name) => !name.endsWith('.lockout.lock'))
      .sort()
      .map((name) => [name, sha256File(join(dir, name))]),
  );
}
