import { describe, expect, it } from 'vitest';
import { secureWebPreferences } from '../../../../electron/main/web-preferences.ts';

describe('secureWebPreferences', () => {
  const prefs = secureWebPreferences({ preloadPath: '/app/out/preload/index.cjs', devTools: false });

  it('isolates, sandboxes and keeps Node out of the page', () => {
    expect(prefs).toMatchObject({
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
      spellcheck: false,
    });
  });

  it('loads the CommonJS preload it is given', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
  });

  it('turns DevTools on only when asked (unpackaged runs)', () => {
    expect(prefs.devTools).toBe(false);
    expect(secureWebPreferences({ preloadPath: '/p.cjs', devTools: true }).devTools).toBe(true);
  });

  it('sets nothing that weakens the page', () => {
    for (const key of [
      'enableBlinkFeatures',
      'additionalArguments',
      'partition',
      'session',
      'enableRemoteModule',
    ]) {
      expect(prefs, key).not.toHaveProperty(key);
    }
  });
});
