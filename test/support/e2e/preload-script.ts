// Plays the preload in a plain browser page: the BUILT preload bundle (out/preload/index.cjs, the very
// file Electron loads) runs as an init script, with a stand-in `require('electron')` whose
// `contextBridge.exposeInMainWorld` defines the global and whose `ipcRenderer.invoke` goes through a
// Playwright binding to main's dispatch (app-session.ts). So `window.keyward` is built by the real
// `createBridge`, from the real channel and event lists, not by a copy of it.
import { cpSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHANNELS, EVENTS } from '../../../shared/ipc/channels.ts';

/** Where the harness finds the production build. */
export interface BuildPaths {
  /** `out/renderer` (its `index.html` is the app). */
  rendererDir: string;
  /** `out/preload/index.cjs`. */
  preloadFile: string;
}

/** The repository root (this file is test/support/e2e/preload-script.ts). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

/** The default build paths under `out/`. */
export function defaultBuildPaths(root = REPO_ROOT): BuildPaths {
  return {
    rendererDir: join(root, 'out', 'renderer'),
    preloadFile: join(root, 'out', 'preload', 'index.cjs'),
  };
}

const BUILD_HINT = 'run `npm run build` (electron-vite builds out/main, out/preload and out/renderer) first';

function mtimeOf(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Reads the built preload and checks the build is usable: the renderer's index.html and the preload
 * exist, and the preload knows every channel and event of the source contract (a build older than
 * `shared/ipc/channels.ts` would answer USAGE for a new channel, a confusing failure far from its cause).
 * Throws, saying to run `npm run build`, otherwise.
 */
export function readBuiltPreload(paths: BuildPaths): string {
  if (mtimeOf(join(paths.rendererDir, 'index.html')) === null) {
    throw new Error(
      `The production renderer build is missing (${paths.rendererDir}/index.html): ${BUILD_HINT}.`,
    );
  }
  let bundle: string;
  try {
    bundle = readFileSync(paths.preloadFile, 'utf8');
  } catch {
    throw new Error(`The preload build is missing (${paths.preloadFile}): ${BUILD_HINT}.`);
  }
  const missing = [...CHANNELS, ...EVENTS].filter((name) => !bundle.includes(JSON.stringify(name)));
  if (missing.length > 0) {
    throw new Error(
      `The preload build is older than shared/ipc/channels.ts (it lacks ${missing.join(', ')}): ${BUILD_HINT}.`,
    );
  }
  return bundle;
}

/**
 * Copies the renderer build to `into` and checks the copy is whole: every file its index.html refers
 * to is there. Served from the copy, a test file keeps the build it started with even if `npm run
 * build` (which empties out/renderer first) runs meanwhile — another terminal, another agent, CI
 * running two jobs in one checkout. Throws when the build changed while it was being copied.
 */
export function snapshotRendererBuild(rendererDir: string, into: string): string {
  cpSync(rendererDir, into, { recursive: true });
  let html = '';
  try {
    html = readFileSync(join(into, 'index.html'), 'utf8');
  } catch {
    // reported below, with the missing references
  }
  const referenced = [...html.matchAll(/\b(?:src|href)="\.?\/([^"?#]+)"/g)].map((match) => match[1] ?? '');
  const missing =
    html === '' ? ['index.html'] : referenced.filter((file) => mtimeOf(join(into, file)) === null);
  if (missing.length > 0) {
    throw new Error(
      `The renderer build changed while the e2e harness copied it (missing ${missing.join(', ')}): is a build running? Wait for it, or ${BUILD_HINT}.`,
    );
  }
  return into;
}

/** Names the init script and the harness agree on for one page (random, so nothing guesses them). */
export interface PreloadNames {
  /** The Playwright binding `ipcRenderer.invoke` calls; removed from `window` once captured. */
  invoke: string;
  /** The non-enumerable function the harness evaluates to deliver a main→renderer event. */
  deliver: string;
}

/**
 * The init script that runs the built preload in every frame, before the page's own scripts.
 *
 * Differences from Electron, on purpose:
 * - the bridge lives in the page's world (there is no isolated world outside Electron);
 * - it is installed in subframes too — a superset of Electron, where only the main frame gets the
 *   preload — so tests can prove that main refuses calls from subframes;
 * - answers cross as JSON text, parsed here, where Electron uses the structured clone: Playwright's
 *   own value serialization takes ~10× longer on a 1k-row answer (140 ms instead of 12 ms), and
 *   every answer is JSON data by contract. The one difference it makes: a property whose value is
 *   `undefined` arrives absent rather than present-and-undefined.
 */
export function preloadInitScript(bundle: string, names: PreloadNames): string {
  return `(() => {
  'use strict';
  const invoke = window[${JSON.stringify(names.invoke)}];
  try { delete window[${JSON.stringify(names.invoke)}]; } catch {}
  if (typeof invoke !== 'function') { return; }
  const listeners = new Map();
  const ipcRenderer = {
    invoke: (name, input) => invoke(name, input).then((json) => JSON.parse(json)),
    on(name, listener) {
      let set = listeners.get(name);
      if (set === undefined) { set = new Set(); listeners.set(name, set); }
      set.add(listener);
      return ipcRenderer;
    },
    removeListener(name, listener) {
      listeners.get(name)?.delete(listener);
      return ipcRenderer;
    },
  };
  Object.defineProperty(window, ${JSON.stringify(names.deliver)}, {
    enumerable: false,
    value: (name, payload) => {
      for (const listener of [...(listeners.get(name) ?? [])]) {
        // A listener that throws surfaces as an uncaught page error, as in Electron, without
        // keeping the other listeners from their event.
        try { listener({}, payload); } catch (error) { setTimeout(() => { throw error; }); }
      }
    },
  });
  const contextBridge = {
    exposeInMainWorld(key, api) {
      Object.defineProperty(window, key, { value: api, enumerable: true, writable: false, configurable: false });
    },
  };
  const require = (id) => {
    if (id === 'electron') { return { contextBridge, ipcRenderer }; }
    throw new Error('A sandboxed preload cannot require ' + String(id));
  };
  const module = { exports: {} };
  (function (require, module, exports) {
${bundle}
  })(require, module, module.exports);
})();`;
}
