// Pure: no `electron` import. What the desktop app is, minus Electron: the engine, the one
// clipboard guard, the IPC handlers over both, and the events they send. electron/main/index.ts
// builds it over Electron's clipboard and window; the browser test harness builds the very same
// thing over a real X clipboard and a Chromium page — so this wiring is tested end to end.
import type { EventName, EventPayload } from '../../shared/ipc/contract.ts';
import { noopLogger } from '../../shared/log/logger.ts';
import type { Logger } from '../../shared/log/logger.ts';
import { ClipboardGuard } from '../vault/clipboard/clipboard-guard.ts';
import type { SystemClipboard } from '../vault/clipboard/clipboard.ts';
import type { Clock } from '../vault/clock.ts';
import type { Keychain } from '../vault/keychain/keychain.ts';
import { KeywardEngine } from '../vault/keyward-engine.ts';
import type { KdfTuning } from '../vault/vault.ts';
import type { Notice } from '../vault/schedule/notices.ts';
import { forwardClipboardChanges } from './ipc/clipboard-events.ts';
import { createEngineHandlers } from './ipc/engine-handlers.ts';
import type { ChooseOpenFile, ChooseSaveFile } from './ipc/engine-handlers.ts';
import type { Handlers } from './ipc/dispatch.ts';

/** Sends a contract event to the renderer (main: `sendEvent` to the window; tests: the page). */
export type EventSender = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** What the host provides. */
export interface DesktopCoreOptions {
  path: string;
  clock: Clock;
  keychain: Keychain;
  /** The OS clipboard copies are written to. */
  clipboard: SystemClipboard;
  /** Asks where to save an export (main: the OS save dialog). */
  chooseSaveFile: ChooseSaveFile;
  /** Asks which file to open (main: the OS open dialog). */
  chooseOpenFile: ChooseOpenFile;
  send: EventSender;
  actor?: string;
  /** Also told of every notice as it fires (main: OS notifications). */
  onNotices?: (notices: Notice[]) => void;
  /** Also told of every lock (main: tray and menu state). */
  onLock?: (reason: string) => void;
  kdfTuning?: KdfTuning;
  allowWeakKdf?: boolean;
  /** Diagnostics for the engine, the clipboard guard and IPC (main: the rotating log file). */
  logger?: Logger;
}

/** The desktop app's core: engine, clipboard guard and IPC handlers, wired together. */
export interface DesktopCore {
  engine: KeywardEngine;
  guard: ClipboardGuard;
  handlers: Handlers;
  /** The logger given (or the no-op one): main hands it to IPC dispatch too. */
  logger: Logger;
  /** Stops forwarding clipboard changes and disposes the guard (the clipboard is not touched). */
  dispose(): void;
}

/**
 * Builds the core. A lock is sent to the renderer and takes the clipboard back (only where it still
 * holds the copy); notices are sent as they fire; the guard's progress becomes `clipboard.changed`;
 * every change of the server sync status becomes `sync.status`.
 */
export function createDesktopCore(options: DesktopCoreOptions): DesktopCore {
  const { send } = options;
  const logger = options.logger ?? noopLogger;
  const guard = new ClipboardGuard(
    options.clipboard,
    options.clock,
    logger.child({ component: 'clipboard' }),
  );
  const engine = new KeywardEngine({
    path: options.path,
    clock: options.clock,
    keychain: options.keychain,
    actor: options.actor ?? 'owner@desktop',
    ...(options.kdfTuning ? { kdfTuning: options.kdfTuning } : {}),
    ...(options.allowWeakKdf ? { allowWeakKdf: true } : {}),
    logger: logger.child({ component: 'engine' }),
    // The desktop publishes to a connected Keyward server in the background (the CLI: `server publish`).
    backgroundPublish: true,
    onLock: (reason) => {
      send('vault.locked', { reason });
      guard.clearNow().catch((error: unknown) => {
        logger.warn('could not take the clipboard back on lock', { error });
      });
      options.onLock?.(reason);
    },
    onNotices: (notices) => {
      send('notices.fired', { notices });
      options.onNotices?.(notices);
    },
  });
  const stopForwarding = forwardClipboardChanges(guard, (payload) => send('clipboard.changed', payload));
  // Every change of the sync status (a publish, a change waiting, the server offline) to the top bar.
  const stopSyncStatus = engine.onSyncStatus((status) => send('sync.status', status));
  return {
    engine,
    guard,
    logger,
    handlers: createEngineHandlers(engine, {
      clipboard: guard,
      chooseSaveFile: options.chooseSaveFile,
      chooseOpenFile: options.chooseOpenFile,
    }),
    dispose: () => {
      stopForwarding();
      stopSyncStatus();
      guard.dispose();
    },
  };
}
