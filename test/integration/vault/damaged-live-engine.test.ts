import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatch, trustedSenderFor } from '../../../electron/main/ipc/dispatch.ts';
import { createEngineHandlers } from '../../../electron/main/ipc/engine-handlers.ts';
import { ClipboardGuard } from '../../../electron/vault/clipboard/clipboard-guard.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { createTestEngine } from '../../support/temp-engine.ts';
import { MemoryClipboard } from '../../unit/vault/clipboard/memory-clipboard.ts';

// A database page found damaged mid-session — after the unlock, the first time that page is read —
// is VAULT_CORRUPT pointing to `backup restore` from every engine method, and so over the desktop's
// IPC too: never INTERNAL (the CLI maps it to exit 6 the same way: cli-damaged-vault.test.ts).
// Real encrypted SQLite under a live engine; the pages are damaged in place on disk.
const PASSWORD = 'damaged live engine password';
const PAGE = 4096;
const ORIGIN = 'app://keyward';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

/** Flips one byte in every page but the first, in place (the engine keeps its file open). */
function damageEveryPageButTheFirst(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const pages = statSync(path).size / PAGE;
    const byte = Buffer.alloc(1);
    for (let page = 1; page < pages; page++) {
      readSync(fd, byte, 0, 1, page * PAGE + 1000);
      byte[0] = (byte[0] ?? 0) ^ 0x5a;
      writeSync(fd, byte, 0, 1, page * PAGE + 1000);
    }
  } finally {
    closeSync(fd);
  }
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return null;
}

describe('a database page damaged under a live, unlocked engine', () => {
  it('is VAULT_CORRUPT with the restore hint from the engine (sync and async) and over IPC', async () => {
    const made = await createTestEngine({ password: PASSWORD });
    cleanups.push(made.cleanup);
    const { engine } = made;
    for (let i = 0; i < 12; i++) {
      engine.createIntegration({ name: `Service ${i}`, platform: 'server', notes: 'n'.repeat(600) });
    }
    const guard = new ClipboardGuard(new MemoryClipboard(), made.clock);
    cleanups.push(() => guard.dispose());
    const dispatch = createDispatch({
      handlers: createEngineHandlers(engine, {
        clipboard: guard,
        chooseSaveFile: () => Promise.resolve(null),
        chooseOpenFile: () => Promise.resolve(null),
      }),
      isTrustedSender: trustedSenderFor(ORIGIN),
    });
    const call = (channel: string, payload: unknown) =>
      dispatch(channel, payload, { url: `${ORIGIN}/index.html`, isMainFrame: true, isOurWindow: true });

    // Everything written so far into the main file, then the damage on disk; the connection then
    // drops the pages it holds, as if they had not been read since the unlock.
    const { db } = made.internals();
    db.pragma('wal_checkpoint(TRUNCATE)');
    damageEveryPageButTheFirst(made.path);
    db.pragma('shrink_memory');

    const error = thrown(() => engine.listIntegrations());
    expect(error).toBeInstanceOf(KeywardError);
    expect((error as KeywardError).code).toBe('VAULT_CORRUPT');
    expect((error as KeywardError).message).toContain('keyward backup restore');
    await expect(engine.reauthenticate({ password: PASSWORD })).rejects.toMatchObject({
      code: 'VAULT_CORRUPT',
    });

    const listed = await call('keys.list', {});
    expect(listed.ok ? 'ok' : listed.error).toMatchObject({
      code: 'VAULT_CORRUPT',
      message: expect.stringContaining('Settings → Backups') as unknown,
    });
    const logged = await call('log.list', { limit: 5 });
    expect(logged.ok ? 'ok' : logged.error.code).toBe('VAULT_CORRUPT');
  });
});
