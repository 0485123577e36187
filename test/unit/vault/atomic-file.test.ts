import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  removeStaleTempFiles,
  removeStaleTempFilesOf,
  writeFileAtomic,
} from '../../../electron/vault/atomic-file.ts';
import { createTestEngine } from '../../support/temp-engine.ts';
import { makeTempDir } from '../../support/temp-vault.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

function tempDir(): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  return dir;
}

/** The id of a process that has exited (so no process has it now, barring reuse within the test). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('atomic files', () => {
  it('a write replaces the whole file and leaves no temp file', () => {
    const path = join(tempDir(), 'k.vault.header');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(removeStaleTempFiles(path)).toEqual([]);
  });

  it('temp files of writers killed mid-write are removed; a live writer’s and other files are kept', () => {
    const dir = tempDir();
    const path = join(dir, 'k.vault.header');
    writeFileAtomic(path, 'whole');
    const dead = `k.vault.header.tmp-${deadPid()}`;
    const live = `k.vault.header.tmp-${process.pid}`;
    for (const name of [dead, live, 'k.vault.header.tmp-notapid', 'other.tmp-1']) {
      writeFileSync(join(dir, name), 'torn');
    }
    expect(removeStaleTempFiles(path)).toEqual([dead]);
    expect(existsSync(join(dir, dead))).toBe(false);
    for (const kept of [live, 'k.vault.header.tmp-notapid', 'other.tmp-1', 'k.vault.header']) {
      expect(existsSync(join(dir, kept))).toBe(true);
    }
    expect(readFileSync(path, 'utf8')).toBe('whole');
  });

  it('for several files at once (one listing per folder): each one’s dead temp files, nothing else', () => {
    const dir = tempDir();
    const other = tempDir();
    const pid = deadPid();
    const dead = [`k.vault.header.tmp-${pid}`, `k.vault.lockout.tmp-${pid}`];
    const elsewhere = `k.vault.schedule.tmp-${pid}`;
    const kept = [`k.vault.header.tmp-${process.pid}`, `k.vault.tmp-${pid}`, 'k.vault.lockout'];
    for (const name of [...dead, ...kept]) {
      writeFileSync(join(dir, name), 'torn');
    }
    writeFileSync(join(other, elsewhere), 'torn');
    const removed = removeStaleTempFilesOf([
      join(dir, 'k.vault.header'),
      join(dir, 'k.vault.lockout'),
      join(other, 'k.vault.schedule'),
      join(dir, 'gone', 'k.vault.schedule'),
    ]);
    expect(removed.sort()).toEqual([...dead, elsewhere].sort());
    for (const name of kept) {
      expect(existsSync(join(dir, name))).toBe(true);
    }
  });

  it('a missing folder is not an error', () => {
    expect(removeStaleTempFiles(join(tempDir(), 'gone', 'k.vault.header'))).toEqual([]);
  });

  it('unlocking a vault clears what a crash left beside its header and schedule', async () => {
    const made = await createTestEngine({ password: 'atomic password' });
    cleanups.push(made.cleanup);
    const { files } = made.engine.vault;
    made.engine.lock();
    const stale = [files.header, files.schedule].map((file) => `${file}.tmp-${deadPid()}`);
    for (const file of stale) {
      writeFileSync(file, 'torn');
    }
    await made.engine.unlockWithPassword('atomic password');
    expect(stale.filter((file) => existsSync(file))).toEqual([]);
  });
});
