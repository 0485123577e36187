import { accessSync, constants, statSync } from 'node:fs';
import { join, posix, win32 } from 'node:path';

/**
 * The absolute path of `name` found on PATH, or null. Only absolute PATH entries are searched (an
 * empty or relative entry would mean "the current folder", where anyone could drop an `xclip`).
 * On Windows the PATHEXT extensions are tried too, so `clip` finds `clip.exe`.
 */
export function findExecutable(
  name: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string | null {
  const windows = platform === 'win32';
  const pathValue = (windows ? (env['Path'] ?? env['PATH']) : env['PATH']) ?? '';
  const paths = windows ? win32 : posix;
  const extensions = windows
    ? ['', ...(env['PATHEXT'] ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((ext) => ext !== '')]
    : [''];
  for (const folder of pathValue.split(paths.delimiter)) {
    if (folder === '' || !paths.isAbsolute(folder)) {
      continue;
    }
    for (const extension of extensions) {
      const candidate = join(folder, name + extension);
      if (isExecutableFile(candidate, windows)) {
        return candidate;
      }
    }
  }
  return null;
}

function isExecutableFile(path: string, windows: boolean): boolean {
  try {
    if (!statSync(path).isFile()) {
      return false;
    }
    accessSync(path, windows ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    // Missing or not executable: a probe that answers no, not a fault.
    return false;
  }
}
