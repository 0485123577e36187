// The Electron main process entry: app lifecycle only. Everything decidable without Electron lives in
// the pure modules beside this file (and is unit-tested); the engine is electron/vault.
import { join } from 'node:path';
import { app, BrowserWindow, session } from 'electron';
import { createSystemClock } from '../vault/clock.ts';
import { OsKeychain } from '../vault/keychain/os-keychain.ts';
import { KeywardEngine } from '../vault/keyward-engine.ts';
import { defaultDataDir, defaultVaultPath } from '../vault/vault-paths.ts';
import { resolveRendererEntry } from './app-origin.ts';
import { registerAppScheme, serveRendererOverAppProtocol } from './app-protocol.ts';
import { createEngineHandlers } from './ipc/engine-handlers.ts';
import { registerIpc, sendEvent } from './ipc/register-ipc.ts';
import { guardAllWebContents, lockDownSession } from './security.ts';
import { createMainWindow } from './window.ts';

// Bundled to out/main/index.js; the preload and the renderer build sit beside it under out/.
const outDir = join(import.meta.dirname, '..');
const preloadPath = join(outDir, 'preload', 'index.cjs');
const rendererDir = join(outDir, 'renderer');

const entry = resolveRendererEntry({
  isPackaged: app.isPackaged,
  devServerUrl: process.env['ELECTRON_RENDERER_URL'],
});

// Before `ready`: the same data folder the `keyward` CLI uses, every renderer sandboxed (even one we
// forget to configure), the privileged app scheme, and guards on every webContents ever created.
app.setName('Keyward');
app.setPath('userData', defaultDataDir());
app.enableSandbox();
registerAppScheme();
guardAllWebContents(app, entry.origin);

let mainWindow: BrowserWindow | null = null;

function showMainWindow(): void {
  if (mainWindow === null || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow({ entry, preloadPath, devTools: !app.isPackaged });
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

async function start(): Promise<void> {
  await app.whenReady();
  lockDownSession(session.defaultSession);
  serveRendererOverAppProtocol(rendererDir);
  const engine = new KeywardEngine({
    path: defaultVaultPath(),
    clock: createSystemClock(),
    keychain: new OsKeychain(),
    actor: 'owner@desktop',
    onLock: (reason) => sendEvent(mainWindow, 'vault.locked', { reason }),
    onNotices: (notices) => sendEvent(mainWindow, 'notices.fired', { notices }),
  });
  registerIpc({ handlers: createEngineHandlers(engine), origin: entry.origin, window: () => mainWindow });
  // Close the database and zero the data key before the process goes.
  app.on('will-quit', () => engine.lock('quit'));
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
    if (process.platform !== 'darwin') {
      app.quit();
    }
  });
  start().catch(() => {
    app.exit(1);
  });
} else {
  // Another Keyward is running: it gets the focus (second-instance) and this one leaves.
  app.quit();
}
