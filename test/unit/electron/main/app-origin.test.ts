import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME_REGISTRATION,
  resolveRendererEntry,
} from '../../../../electron/main/app-origin.ts';

describe('the app scheme', () => {
  it('is app://keyward', () => {
    expect(APP_ORIGIN).toBe('app://keyward');
    expect(APP_ENTRY_URL).toBe('app://keyward/index.html');
  });

  it('is standard and secure, and grants nothing that weakens the page', () => {
    expect(APP_SCHEME_REGISTRATION.scheme).toBe('app');
    const privileges = APP_SCHEME_REGISTRATION.privileges ?? {};
    expect(privileges.standard).toBe(true);
    expect(privileges.secure).toBe(true);
    expect(privileges.bypassCSP).toBeUndefined();
    expect(privileges.corsEnabled).toBeUndefined();
    expect(privileges.allowServiceWorkers).toBeUndefined();
    expect(privileges.allowExtensions).toBeUndefined();
  });
});

describe('resolveRendererEntry', () => {
  it('loads the built files in a packaged app, whatever the environment says', () => {
    expect(resolveRendererEntry({ isPackaged: true, devServerUrl: 'http://localhost:5173/' })).toEqual({
      url: APP_ENTRY_URL,
      origin: APP_ORIGIN,
    });
  });

  it('loads the built files when there is no dev server', () => {
    expect(resolveRendererEntry({ isPackaged: false })).toEqual({ url: APP_ENTRY_URL, origin: APP_ORIGIN });
    expect(resolveRendererEntry({ isPackaged: false, devServerUrl: '' }).url).toBe(APP_ENTRY_URL);
  });

  it.each(['http://localhost:5173', 'http://127.0.0.1:5173/', 'http://[::1]:5173/'])(
    'uses the loopback Vite server %s in an unpackaged dev run',
    (devServerUrl) => {
      const entry = resolveRendererEntry({ isPackaged: false, devServerUrl });
      expect(entry.url.startsWith('http://')).toBe(true);
      expect(entry.origin).toMatch(/^http:\/\/(localhost|127\.0\.0\.1|\[::1\]):5173$/);
    },
  );

  it.each([
    'https://localhost:5173/',
    'http://example.com:5173/',
    'http://localhost.evil.com/',
    'http://user@localhost:5173/',
    'file:///tmp/index.html',
    'not a url',
  ])('ignores a dev server URL that is not loopback http: %s', (devServerUrl) => {
    expect(resolveRendererEntry({ isPackaged: false, devServerUrl }).url).toBe(APP_ENTRY_URL);
  });
});
