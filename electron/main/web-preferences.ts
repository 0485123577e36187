// Pure: no runtime `electron` import (types only), so it is unit-tested under Node.
import type { WebPreferences } from 'electron';

/**
 * The only `webPreferences` any Keyward window gets. The renderer is an untrusted web page: isolated
 * from the preload's world, sandboxed, without Node, with web security on. (The `remote` module no
 * longer exists in Electron 45, so there is nothing to switch off for it.)
 */
export function secureWebPreferences(options: { preloadPath: string; devTools: boolean }): WebPreferences {
  return {
    preload: options.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    enableWebSQL: false,
    // Off: on Linux Chromium's spellchecker downloads Hunspell dictionaries from Google's CDN, and
    // what is typed here (names, keys being decoded) has no business in a spellchecker.
    spellcheck: false,
    devTools: options.devTools,
  };
}
