// Pure: no runtime `electron` import (types only), so it is unit-tested under Node.
import type { CustomScheme } from 'electron';

/** The custom scheme the renderer is served from. */
export const APP_SCHEME = 'app';
/** The one host the scheme answers for. */
export const APP_HOST = 'keyward';
/** The renderer's origin in a built app: `app://keyward`. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads in a built app. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * How `app:` is registered with `protocol.registerSchemesAsPrivileged`. `standard` gives it a real
 * origin (relative URLs, storage), `secure` makes it a secure context like https. Deliberately absent:
 * `bypassCSP` (the CSP must hold), `corsEnabled` (it would let other origins read our files),
 * `allowServiceWorkers`, `stream`, `allowExtensions`.
 */
export const APP_SCHEME_REGISTRATION: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** Where the window loads the renderer from, and the one origin it may stay on. */
export interface RendererEntry {
  /** The URL to load. */
  url: string;
  /** The trusted origin: navigation, new windows and (later) IPC senders are checked against it. */
  origin: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The renderer entry: the built files over `app://keyward`, except in an unpackaged `electron-vite dev`
 * run, where `ELECTRON_RENDERER_URL` points at the local Vite server (loopback http only — anything
 * else is ignored, so a stray environment variable cannot point the app at a remote page).
 */
export function resolveRendererEntry(options: {
  isPackaged: boolean;
  devServerUrl?: string | undefined;
}): RendererEntry {
  const { isPackaged, devServerUrl } = options;
  if (!isPackaged && devServerUrl !== undefined && devServerUrl !== '') {
    const dev = parseLoopbackHttpUrl(devServerUrl);
    if (dev !== null) {
      return { url: dev.href, origin: `${dev.protocol}//${dev.host}` };
    }
  }
  return { url: APP_ENTRY_URL, origin: APP_ORIGIN };
}

function parseLoopbackHttpUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not a URL: no dev server, so the built files are served — a parse answer, not a fault.
    return null;
  }
  const ok =
    url.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(url.hostname) &&
    url.username === '' &&
    url.password === '';
  return ok ? url : null;
}
