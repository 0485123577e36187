import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readdirSync,
  renameSync,
  writeSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `contents` so that after a crash at any instant the file holds either the old
 * or the new contents, never a mix: write a temp file, fsync it, rename over, fsync the folder.
 */
export function writeFileAtomic(path: string, contents: string, mode = 0o600): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, contents);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  fsyncDirectory(dirname(path));
}

/**
 * Writes `contents` to `path`, which must not exist: never overwrites, even a file that appears
 * while writing (EEXIST then). Whole or absent after a crash: a temp file is written and fsynced,
 * then hard-linked to `path` (atomic, and fails if `path` exists); where the file system has no
 * hard links, `path` is created exclusively and written in place.
 */
export function writeNewFile(path: string, contents: string, mode = 0o600): void {
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') {
      throw error;
    }
    const direct = openSync(path, 'wx', mode);
    try {
      writeSync(direct, contents);
      fsyncSync(direct);
    } finally {
      closeSync(direct);
    }
  } finally {
    unlinkSync(temp);
  }
  fsyncDirectory(dirname(path));
}

/** fsyncs a folder so a rename in it is durable (a no-op where the platform cannot open folders). */
export function fsyncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
}

/** Whether a process with this id is running (signal 0 checks without sending anything). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files {@link writeFileAtomic} left beside `path` when its process was killed
 * between writing and renaming (`<name>.tmp-<pid>` of a process that is gone). A running writer's
 * temp file is left alone. Returns the names removed; never throws.
 */
export function removeStaleTempFiles(path: string): string[] {
  return removeStaleTempFilesOf([path]);
}

/**
 * {@link removeStaleTempFiles} for several files, listing each folder once (the engine does it for
 * the header, lockout and schedule files, all beside the vault, on every unlock).
 */
export function removeStaleTempFilesOf(paths: readonly string[]): string[] {
  const removed: string[] = [];
  const byFolder = new Map<string, string[]>();
  for (const path of paths) {
    byFolder.set(dirname(path), [...(byFolder.get(dirname(path)) ?? []), `${basename(path)}.tmp-`]);
  }
  for (const [folder, prefixes] of byFolder) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      // No folder to list (or no permission): there are no temp files of ours to remove — hygiene only.
      continue;
    }
    for (const name of names) {
      const prefix = prefixes.find((candidate) => name.startsWith(candidate));
      const pid = prefix === undefined ? NaN : Number(name.slice(prefix.length));
      if (prefix === undefined || !Number.isSafeInteger(pid) || pid <= 0 || isRunning(pid)) {
        continue;
      }
      try {
        unlinkSync(join(folder, name));
        removed.push(name);
      } catch {
        // Gone already, or not ours to remove: nothing to do.
      }
    }
  }
  return removed;
}
