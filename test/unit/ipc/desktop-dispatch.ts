import { afterEach } from 'vitest';
import { createDispatch, trustedSenderFor } from '../../../electron/main/ipc/dispatch.ts';
import type { IpcSender } from '../../../electron/main/ipc/dispatch.ts';
import { createEngineHandlers } from '../../../electron/main/ipc/engine-handlers.ts';
import { ClipboardGuard } from '../../../electron/vault/clipboard/clipboard-guard.ts';
import type { IpcResult } from '../../../shared/ipc/contract.ts';
import { createTestEngine, type TestEngine } from '../../support/temp-engine.ts';
import { MemoryClipboard } from '../vault/clipboard/memory-clipboard.ts';

/** The app's origin, and the renderer's main frame as main's dispatch sees it. */
export const ORIGIN = 'app://keyward';
export const SENDER: IpcSender = { url: `${ORIGIN}/index.html`, isMainFrame: true, isOurWindow: true };

/** A real engine behind main's real dispatch and handlers, with the dialogs' answers to set. */
export interface DesktopOverDispatch extends TestEngine {
  /** One IPC call from the renderer's main frame. */
  call: (channel: string, payload: unknown) => Promise<IpcResult<unknown>>;
  clipboard: MemoryClipboard;
  guard: ClipboardGuard;
  /** The save dialog's next answers (a path); cancelled when empty. */
  saveAnswers: string[];
  /** The open dialog's next answers (a path, or null: cancelled); cancelled when empty. */
  openAnswers: (string | null)[];
}

/**
 * Registers the clean-up of every {@link DesktopOverDispatch} a test file makes (after each test)
 * and returns the function that makes one on a new vault with `password`.
 */
export function desktopOverDispatch(password: string): () => Promise<DesktopOverDispatch> {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) {
      cleanup();
    }
  });
  return async () => {
    const made = await createTestEngine({ password });
    const clipboard = new MemoryClipboard();
    const guard = new ClipboardGuard(clipboard, made.clock);
    const saveAnswers: string[] = [];
    const openAnswers: (string | null)[] = [];
    cleanups.push(() => guard.dispose(), made.cleanup);
    const dispatch = createDispatch({
      handlers: createEngineHandlers(made.engine, {
        clipboard: guard,
        chooseSaveFile: () => Promise.resolve(saveAnswers.shift() ?? null),
        chooseOpenFile: () => Promise.resolve(openAnswers.shift() ?? null),
      }),
      isTrustedSender: trustedSenderFor(ORIGIN),
    });
    const call = (channel: string, payload: unknown) => dispatch(channel, payload, SENDER);
    return { ...made, call, clipboard, guard, saveAnswers, openAnswers };
  };
}
