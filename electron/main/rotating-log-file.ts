// Pure Node (no `electron` import): the desktop app's log file, unit-tested under Node.
import { chmodSync, closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { formatLogLine } from '../../shared/log/logger.ts';
import type { LogRecord, LogSink } from '../../shared/log/logger.ts';

/** Rotate when the current file would grow past this (1 MiB). */
export const DEFAULT_LOG_MAX_BYTES = 1024 * 1024;
/** Rotated files kept beside the current one (`keyward.log.1` … `.3`). */
export const DEFAULT_LOG_KEEP = 3;
/** The current file's name. */
export const LOG_FILE_NAME = 'keyward.log';

/** Where the desktop app's log lives: `<data folder>/logs`. */
export function logDirectory(dataDir: string): string {
  return join(dataDir, 'logs');
}

/** Options of {@link RotatingLogFile}. */
export interface RotatingLogFileOptions {
  /** The folder (created 0700 if missing). */
  dir: string;
  /** The current file's name (default `keyward.log`). */
  fileName?: string;
  /** Rotate before a write would take the current file past this many bytes (default 1 MiB). */
  maxBytes?: number;
  /** How many rotated files to keep (default 3): `name.1` is the newest, `name.<keep>` the oldest. */
  keep?: number;
}

/**
 * A {@link LogSink} that appends one JSON line per record to `<dir>/keyward.log` and rotates it:
 * when a line would take the file past `maxBytes`, `keyward.log.<keep>` is deleted, each
 * `keyward.log.<n>` becomes `.<n+1>`, and `keyward.log` becomes `.1`. So the log never takes more
 * than about `(keep + 1) × maxBytes`. Every file is 0600 (also one that existed with looser
 * permissions), the folder 0700. Writes are synchronous appends — a record is on disk before the
 * call returns, so the last one before a crash is not lost. A failing write (disk full, folder
 * removed) loses that record and never throws; the next write tries to reopen the file.
 */
export class RotatingLogFile implements LogSink {
  readonly path: string;
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private fd: number | null = null;
  private size = 0;

  constructor(options: RotatingLogFileOptions) {
    this.dir = options.dir;
    this.path = join(options.dir, options.fileName ?? LOG_FILE_NAME);
    this.maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_LOG_MAX_BYTES);
    this.keep = Math.max(0, Math.floor(options.keep ?? DEFAULT_LOG_KEEP));
  }

  /** The files of this log, newest first: the current one, then `.1` … `.<keep>`. */
  files(): string[] {
    return [this.path, ...Array.from({ length: this.keep }, (_, index) => `${this.path}.${index + 1}`)];
  }

  write(record: LogRecord): void {
    this.writeLine(formatLogLine(record));
  }

  /** Appends one line (already formatted and redacted), rotating first if it would not fit. */
  writeLine(line: string): void {
    const bytes = Buffer.from(line, 'utf8');
    try {
      let fd = this.open();
      if (this.size > 0 && this.size + bytes.length > this.maxBytes) {
        this.rotate();
        fd = this.open();
      }
      writeSync(fd, bytes);
      this.size += bytes.length;
    } catch {
      // The record is lost, but logging must never fail what it describes; reopen on the next write.
      this.close();
    }
  }

  /** Closes the file (a later write reopens it). */
  close(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed or gone: there is nothing left to release.
      }
      this.fd = null;
    }
  }

  private open(): number {
    if (this.fd !== null) {
      return this.fd;
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const fd = openSync(this.path, 'a', 0o600);
    try {
      // `mode` applies only when the file is created: tighten one that was there before.
      chmodSync(this.path, 0o600);
      this.size = fstatSync(fd).size;
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.fd = fd;
    return fd;
  }

  private rotate(): void {
    this.close();
    const files = this.files();
    if (this.keep === 0) {
      rmSync(this.path, { force: true });
    } else {
      rmSync(files[this.keep] as string, { force: true });
      for (let index = this.keep - 1; index >= 0; index -= 1) {
        try {
          renameSync(files[index] as string, files[index + 1] as string);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
            throw error;
          }
          // ENOENT: fewer rotated files than `keep` so far — nothing to move at this step.
        }
      }
    }
    this.size = 0;
  }
}
