import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logDirectory, RotatingLogFile } from '../../../../electron/main/rotating-log-file.ts';
import { createLogger } from '../../../../shared/log/logger.ts';

const MATERIAL = `kw_${'Z'.repeat(43)}q1w2e3`;
const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJpMSJ9.c2lnbmF0dXJlLWJ5dGVz';
const posix = process.platform !== 'win32';

const dirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-log-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
});

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the desktop log file', () => {
  it('lives in <data folder>/logs/keyward.log, created 0700/0600, one JSON line per record', () => {
    const dataDir = tempDataDir();
    const file = new RotatingLogFile({ dir: logDirectory(dataDir) });
    const logger = createLogger({ sink: file, now: () => Date.UTC(2026, 11, 6, 15) });
    logger.info('app started', { version: '1.0.0' });
    logger.error('IPC call failed', { errorId: 'abcdef012345', error: new Error('boom') });
    file.close();
    expect(file.path).toBe(join(dataDir, 'logs', 'keyward.log'));
    const [first, second] = lines(file.path);
    expect(first).toEqual({
      time: '2026-12-06T15:00:00.000Z',
      level: 'info',
      msg: 'app started',
      version: '1.0.0',
    });
    expect(second).toMatchObject({ level: 'error', errorId: 'abcdef012345', error: { message: 'boom' } });
    if (posix) {
      expect(statSync(file.path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'logs')).mode & 0o777).toBe(0o700);
    }
  });

  it('a key and a JWT logged through the logger never reach the file', () => {
    const file = new RotatingLogFile({ dir: tempDataDir() });
    const logger = createLogger({ sink: file, level: 'debug' });
    logger.debug(`copied ${MATERIAL}`, { pasted: JWT, error: new Error(`bad ${MATERIAL} in ${JWT}`) });
    file.close();
    const text = readFileSync(file.path, 'utf8');
    expect(text).not.toContain(MATERIAL);
    expect(text).not.toContain(MATERIAL.slice(8, 30));
    expect(text).not.toContain(JWT);
    expect(text).not.toContain(JWT.split('.')[1]);
    expect(text).toContain('kw_ZZZZZ…');
  });

  it('rotates at the size limit, keeps K old files, and deletes the oldest', () => {
    const file = new RotatingLogFile({ dir: tempDataDir(), maxBytes: 200, keep: 2 });
    const logger = createLogger({ sink: file, now: () => 0 });
    for (let index = 0; index < 30; index += 1) {
      logger.info('record', { index }); // ~70 bytes a line: 2 per file
    }
    file.close();
    const [current, one, two, three] = file.files().concat(`${file.path}.3`);
    expect(existsSync(three!)).toBe(false);
    for (const path of [current!, one!, two!]) {
      expect(statSync(path).size).toBeLessThanOrEqual(200);
      if (posix) {
        expect(statSync(path).mode & 0o777).toBe(0o600);
      }
    }
    const indexes = (path: string) => lines(path).map((line) => line['index']);
    // Newest in the current file, then .1, then .2; everything older is gone.
    expect([...indexes(two!), ...indexes(one!), ...indexes(current!)]).toEqual([24, 25, 26, 27, 28, 29]);
  });

  it('appends to an existing file, counting its size, and tightens its permissions', () => {
    const dir = tempDataDir();
    const path = join(dir, 'keyward.log');
    writeFileSync(path, `${'x'.repeat(150)}\n`, { mode: 0o644 });
    if (posix) {
      chmodSync(path, 0o644);
    }
    const file = new RotatingLogFile({ dir, maxBytes: 200, keep: 1 });
    createLogger({ sink: file }).warn('one more line that does not fit');
    file.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(`${'x'.repeat(150)}\n`);
    expect(lines(path)).toHaveLength(1);
    if (posix) {
      expect(statSync(path).mode & 0o777).toBe(0o600);
    }
  });

  it('a write that fails loses the record without throwing, and the next write recovers', () => {
    const dir = tempDataDir();
    const file = new RotatingLogFile({ dir: join(dir, 'logs') });
    const logger = createLogger({ sink: file });
    writeFileSync(join(dir, 'logs'), 'a file where the folder should be');
    expect(() => logger.error('lost')).not.toThrow();
    rmSync(join(dir, 'logs'));
    logger.error('kept');
    file.close();
    expect(lines(file.path).map((line) => line['msg'])).toEqual(['kept']);
  });
});
