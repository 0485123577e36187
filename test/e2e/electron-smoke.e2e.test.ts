// The built app in real Electron (Playwright's `_electron.launch`): main, the sandboxed preload, the
// app:// protocol and ipcMain — the lines the browser harness plays. Runs only where an Electron
// binary exists (node_modules/electron/dist, or ELECTRON_OVERRIDE_DIST_PATH); elsewhere — here, and in
// CI, where the binary cannot be downloaded — it is skipped and says why.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { _electron } from 'playwright-core';
import type { ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL } from '../../electron/main/app-origin.ts';
import { createSystemClock } from '../../electron/vault/clock.ts';
import { KeywardEngine } from '../../electron/vault/keyward-engine.ts';
import { startXvfb } from '../integration/clipboard/x11-harness.ts';
import type { XServer } from '../integration/clipboard/x11-harness.ts';
import { bridgeCall, E2E_KDF, E2E_PASSWORD, okValue, REPO_ROOT } from '../support/e2e/index.ts';
import { makeTempDir, MemoryKeychain } from '../support/temp-vault.ts';

/** The Electron binary, found the way `electron`'s own index.js finds it — but never downloading it. */
function findElectron(env: NodeJS.ProcessEnv = process.env): { path: string } | { skip: string } {
  const packageDir = join(REPO_ROOT, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  const defaultName =
    process.platform === 'darwin'
      ? 'Electron.app/Contents/MacOS/Electron'
      : process.platform === 'win32'
        ? 'electron.exe'
        : 'electron';
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : defaultName;
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  const dist = override !== undefined && override !== '' ? override : join(packageDir, 'dist');
  const path = join(dist, name);
  return existsSync(path)
    ? { path }
    : {
        skip: `no Electron binary at ${path} (the npm package installs without it here: ELECTRON_SKIP_BINARY_DOWNLOAD=1, no internet); run \`npm run electron:fetch\` or set ELECTRON_OVERRIDE_DIST_PATH to run it`,
      };
}

const electron = findElectron();
const skipReason = 'skip' in electron ? electron.skip : null;
if (skipReason !== null) {
  console.log(`Skipping the Electron smoke test: ${skipReason}.`);
}

/** Electron refuses to run as root with its setuid/namespace sandbox (containers, CI). */
const sandboxArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];

describe.skipIf(skipReason !== null)('the built app in Electron', () => {
  let xserver: XServer | undefined;
  beforeAll(async () => {
    // Electron has no headless mode: on Linux it gets a private X server.
    if (process.platform === 'linux') {
      xserver = await startXvfb();
    }
  });
  afterAll(async () => {
    await xserver?.stop();
  });

  it('opens, unlocks a vault in a temp data folder through the UI, and shows the key table', async () => {
    const mainFile = join(REPO_ROOT, 'out', 'main', 'index.js');
    if (!existsSync(mainFile)) {
      throw new Error(`The app is not built (${mainFile} is missing): run \`npm run build\` first.`);
    }
    const { dir, cleanup } = makeTempDir('keyward-electron-');
    // The app takes its data folder from XDG_CONFIG_HOME (Linux) or HOME, and its vault from
    // KEYWARD_VAULT: all three point into the temp folder, so no real vault or setting is touched.
    const vaultPath = join(dir, 'config', 'Keyward', 'keyward.vault');
    mkdirSync(dirname(vaultPath), { recursive: true });
    const engine = new KeywardEngine({
      path: vaultPath,
      clock: createSystemClock(),
      keychain: new MemoryKeychain(),
      actor: 'owner@test',
      kdfTuning: E2E_KDF,
      allowWeakKdf: true,
    });
    await engine.create(E2E_PASSWORD);
    engine.createIntegration({ name: 'Smoke test', platform: 'server' });
    engine.lock();

    let app: ElectronApplication | undefined;
    try {
      app = await _electron.launch({
        executablePath: 'path' in electron ? electron.path : '',
        args: [...sandboxArgs, mainFile],
        env: {
          ...(xserver?.env ?? process.env),
          HOME: dir,
          XDG_CONFIG_HOME: join(dir, 'config'),
          APPDATA: join(dir, 'config'),
          KEYWARD_VAULT: vaultPath,
        },
        timeout: 30_000,
      });
      const window = await app.firstWindow();
      await window.waitForLoadState('domcontentloaded');
      expect(window.url()).toBe(APP_ENTRY_URL);

      // The real preload's bridge, through the real ipcMain registration, to main's engine.
      expect(okValue(await bridgeCall(window, 'vault.status', {}))).toMatchObject({
        path: vaultPath,
        exists: true,
        state: 'locked',
      });

      await window.getByLabel('Master password', { exact: true }).fill(E2E_PASSWORD);
      await window.keyboard.press('Enter');
      const keyTable = window
        .getByRole('grid', { name: 'Keys' })
        .or(window.getByRole('table', { name: 'Keys' }));
      await keyTable.waitFor({ state: 'visible', timeout: 20_000 });
      await keyTable.getByText('Smoke test').first().waitFor({ state: 'visible' });
    } finally {
      await app?.close();
      cleanup();
    }
  });
});
