import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KeywardError } from '../../shared/errors.ts';

/**
 * Makes the folder `path` and any missing parents, one level at a time, with `mode`. Unlike
 * `mkdirSync(path, { recursive: true })` it stops at the first level that cannot be made: Node's
 * recursive mkdir loops for ever at 100 % CPU on a path such as `/proc/nope/dir` (mkdir gives
 * ENOENT although the parent exists). A part of the path that is a file, or a folder that cannot be
 * made, is INVALID_INPUT naming it.
 */
export function ensureDirectory(path: string, mode = 0o700): void {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    const stat = statSync(current, { throwIfNoEntry: false });
    if (stat !== undefined) {
      if (!stat.isDirectory()) {
        throw new KeywardError('INVALID_INPUT', `${current} is a file, not a folder; choose another path.`);
      }
      break;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) {
      break;
    }
    current = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder, { mode });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'EEXIST' && statSync(folder, { throwIfNoEntry: false })?.isDirectory() === true) {
        continue; // made by another process just now
      }
      throw new KeywardError(
        'INVALID_INPUT',
        `Cannot create the folder ${folder} (${code}); choose another path.`,
        {
          cause: error,
        },
      );
    }
  }
}
