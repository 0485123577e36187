// The Electron main process entry, and the shell's composition root: it connects the engine
// (electron/vault) to the window, IPC, clipboard, notifications, tray, menu, power events and
// quitting. Every decision lives in the pure, unit-tested modules beside this file; here they are
// only wired together.
import { join } from 'node:path';
import { app, BrowserWindow, session } from 'electron';
import { createLogger } from '../../shared/log/logger.ts';
import type { Logger } from '../../shared/log/logger.ts';
import { createSystemClock } from '../vault/clock.ts';
import { OsKeychain } from '../vault/keychain/os-keychain.ts';
import { defaultDataDir, defaultVaultPath } from '../vault/vault-paths.ts';
import { setAppMenu } from './app-menu.ts';
import { resolveRendererEntry } from './app-origin.ts';
import { registerAppScheme, serveRendererOverAppProtocol } from './app-protocol.ts';
import { createDesktopCore } from './desktop-core.ts';
import { createElectronClipboard } from './electron-clipboard.ts';
import { createOpenDialog, createSaveDialog } from './save-dialog.ts';
import { markImage } from './icons.ts';
import { registerIpc, sendEvent } from './ipc/register-ipc.ts';
import { afterEachHandler, LockStateTracker } from './lock-state.ts';
import { LockedNoticeWatcher, scheduleReader } from './locked-notices.ts';
import { APP_USER_MODEL_ID, NoticeNotifier } from './notification-plan.ts';
import { createNotificationShower } from './notifications.ts';
import { watchPowerEvents } from './power.ts';
import { createPowerHandler } from './power-policy.ts';
import { createQuitGuard, keepRunningWhenWindowsClosed } from './quit-policy.ts';
import { logDirectory, RotatingLogFile } from './rotating-log-file.ts';
import { guardAllWebContents, lockDownSession } from './security.ts';
import { createKeywardTray } from './tray.ts';
import type { KeywardTray } from './tray.ts';
import type { TrayActions } from './tray-menu.ts';
import { createMainWindow } from './window.ts';

// Bundled to out/main/index.js; the preload and the renderer build sit beside it under out/.
const outDir = join(import.meta.dirname, '..');
const preloadPath = join(outDir, 'preload', 'index.cjs');
const rendererDir = join(outDir, 'renderer');

const platform = process.platform;
const isDev = !app.isPackaged;
const entry = resolveRendererEntry({
  isPackaged: app.isPackaged,
  devServerUrl: process.env['ELECTRON_RENDERER_URL'],
});

// Before `ready`: the same data folder the `keyward` CLI uses, toasts attributed to the installed app
// (Windows), every renderer sandboxed (even one we forget to configure), the privileged app scheme,
// and guards on every webContents ever created.
app.setName('Keyward');
app.setPath('userData', defaultDataDir());
if (platform === 'win32') {
  app.setAppUserModelId(APP_USER_MODEL_ID);
}
app.enableSandbox();
registerAppScheme();
guardAllWebContents(app, entry.origin);

// The app's log: `<data folder>/logs/keyward.log`, rotated, 0600, every record redacted by the
// logger (no key, JWT or data key reaches the file). KEYWARD_DEBUG=1 adds debug records.
const logFile = new RotatingLogFile({ dir: logDirectory(app.getPath('userData')) });
const logger: Logger = createLogger({
  sink: logFile,
  level: process.env['KEYWARD_DEBUG'] === '1' ? 'debug' : 'info',
  fields: { pid: process.pid },
});
logger.info('Keyward started', {
  version: app.getVersion(),
  electron: process.versions.electron ?? null,
  platform,
  arch: process.arch,
  packaged: app.isPackaged,
});
// Recorded, not handled: Electron's own reaction to an uncaught exception is kept. (Node's monitor
// also sees an unhandled rejection when it is raised as one; no 'unhandledRejection' listener is
// added, since adding one would change what happens to it.)
process.on('uncaughtExceptionMonitor', (error, origin) => {
  logger.error('uncaught exception in main', { origin, error });
});
app.on('render-process-gone', (_event, _contents, details) => {
  logger.error("the window's renderer process is gone", {
    reason: details.reason,
    exitCode: details.exitCode,
  });
});
app.on('child-process-gone', (_event, details) => {
  logger.warn('a helper process is gone', {
    type: details.type,
    reason: details.reason,
    exitCode: details.exitCode,
  });
});

let mainWindow: BrowserWindow | null = null;
// Whether closing the last window leaves Keyward running; settled once the tray exists.
let keepRunning = keepRunningWhenWindowsClosed({ platform, hasTray: false });

function showMainWindow(): void {
  if (mainWindow === null || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow({
      entry,
      preloadPath,
      devTools: isDev,
      logger,
      ...(platform === 'linux' ? { icon: markImage() } : {}),
    });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
    return;
  }
  if (mainWindow.isMinimized()) {
    mainWindow.restore();
  }
  mainWindow.focus();
}

/** The tray icon, or null where one cannot be made (the app works without it). */
function tryCreateTray(actions: TrayActions): KeywardTray | null {
  try {
    return createKeywardTray(actions, platform);
  } catch (error) {
    // No tray on this desktop (no status notifier, say): closing the window then quits the app.
    logger.warn('no tray icon', { error });
    return null;
  }
}

async function start(): Promise<void> {
  await app.whenReady();
  lockDownSession(session.defaultSession);
  serveRendererOverAppProtocol(rendererDir);
  app.setAboutPanelOptions({ applicationName: 'Keyward', applicationVersion: app.getVersion() });

  const clock = createSystemClock();
  // Notices become OS notifications — each id once per run, unlocked or locked. A click shows the window.
  const notifier = new NoticeNotifier(
    createNotificationShower({
      onClick: showMainWindow,
      ...(platform === 'linux' ? { icon: markImage() } : {}),
    }),
    logger.child({ component: 'notifications' }),
  );
  // The engine, the one clipboard guard (IPC copies go through it; it clears them on time, on lock and
  // on quit, each only if the clipboard still holds what was copied) and the IPC handlers over both —
  // the same core the browser test harness runs (desktop-core.ts).
  const {
    engine,
    guard: clipboard,
    handlers,
  } = createDesktopCore({
    path: defaultVaultPath(),
    clock,
    keychain: new OsKeychain(),
    clipboard: createElectronClipboard(platform),
    chooseSaveFile: createSaveDialog(() => mainWindow),
    chooseOpenFile: createOpenDialog(() => mainWindow),
    send: (event, payload) => sendEvent(mainWindow, event, payload),
    onLock: () => lockState.check(),
    onNotices: (notices) => notifier.notify(notices),
    logger,
  });
  // While locked, due notices come from the unencrypted schedule file beside the vault.
  const lockedNotices = new LockedNoticeWatcher({
    clock,
    readSchedule: scheduleReader(engine.vault.files.schedule, logger),
    isShown: (id) => notifier.hasShown(id),
    deliver: (notices) => notifier.notify(notices),
    logger,
  });
  const lockNow = (): void => engine.lock('manual');
  const tray = tryCreateTray({ open: showMainWindow, lock: lockNow, quit: () => app.quit() });
  keepRunning = keepRunningWhenWindowsClosed({ platform, hasTray: tray !== null });

  // The tray, the menu and the locked-notice watcher follow the vault's state. The engine reports
  // locks (onLock above); unlocks happen only over IPC, so every IPC call is followed by a check.
  const lockState = new LockStateTracker(
    () => engine.vault.isUnlocked,
    (unlocked) => {
      tray?.update({ unlocked });
      setAppMenu({ platform, isDev, appName: app.name, unlocked, onLock: lockNow });
      if (unlocked) {
        lockedNotices.stop();
      } else {
        lockedNotices.start();
      }
    },
  );
  lockState.check();

  registerIpc({
    handlers: afterEachHandler(handlers, () => lockState.check(), logger),
    origin: entry.origin,
    window: () => mainWindow,
    logger: logger.child({ component: 'ipc' }),
  });

  // Suspend and screen lock lock the vault; resume catches the scheduler up. (Idle auto-lock is the
  // engine's own timer, fed by the renderer's 'app.activity' calls and the autoLockMinutes setting.)
  watchPowerEvents(
    createPowerHandler(
      {
        lock: (reason) => engine.lock(reason),
        catchUp: (reason) => engine.catchUp(reason),
        recheckLockedNotices: () => lockedNotices.check(),
      },
      logger,
    ),
  );

  // Before the process goes: clear the clipboard if it still holds a copy, then close the database
  // and zero the data key.
  app.on(
    'will-quit',
    createQuitGuard({
      clock,
      flush: () =>
        clipboard.clearNow().catch((error: unknown) => {
          logger.warn('could not clear the clipboard on quit', { error });
          throw error;
        }),
      close: () => {
        engine.lock('quit');
        lockedNotices.stop();
        tray?.destroy();
        logger.info('Keyward quit');
        logFile.close();
      },
      quit: () => app.quit(),
    }),
  );
  showMainWindow();
}

if (app.requestSingleInstanceLock()) {
  app.on('second-instance', showMainWindow);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) {
      showMainWindow();
    }
  });
  app.on('window-all-closed', () => {
    if (!keepRunning) {
      app.quit();
    }
  });
  start().catch((error: unknown) => {
    logger.error('start-up failed', { error });
    logFile.close();
    app.exit(1);
  });
} else {
  // Another Keyward is running: it gets the focus (second-instance) and this one leaves.
  app.quit();
}
