// The per-file part of the end-to-end harness (docs/architecture.md): one real Chromium, one HTTP server
// for the production renderer build, one private X server whose clipboard main writes. `openApp`
// (app-session.ts) adds what each test gets fresh: a browser context, a page, an engine on a temp vault.
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { pickClipboardBackend } from '../../../electron/cli/clipboard/clipboard-backends.ts';
import { OsClipboard } from '../../../electron/cli/clipboard/os-clipboard.ts';
import { startXvfb, x11SkipReason } from '../../integration/clipboard/x11-harness.ts';
import { makeTempDir } from '../temp-vault.ts';
import type { XServer } from '../../integration/clipboard/x11-harness.ts';
import { openAppSession } from './app-session.ts';
import type { E2eApp, OpenAppOptions } from './app-session.ts';
import { defaultBuildPaths, readBuiltPreload, snapshotRendererBuild } from './preload-script.ts';
import type { BuildPaths } from './preload-script.ts';
import { startRendererServer } from './renderer-server.ts';
import { settledClipboard } from './settled-clipboard.ts';
import type { RendererServer } from './renderer-server.ts';

/** Chromium's flags for a headless run in a container or CI: no GPU, no sandbox, no chatter. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-sync',
  '--no-first-run',
  '--metrics-recording-only',
  '--mute-audio',
];

/** What {@link startE2eEnvironment} may be told. */
export interface E2eEnvironmentOptions {
  /** The Chromium binary (default: `KEYWARD_CHROMIUM`, else `/usr/bin/chromium`). */
  executablePath?: string;
  /** The build to serve and preload (default: `out/renderer` and `out/preload/index.cjs`). */
  build?: BuildPaths;
}

/** One test file's browser, server and X server. */
export interface E2eEnvironment {
  readonly browser: Browser;
  readonly server: RendererServer;
  /** The private X display whose clipboard main's ClipboardGuard writes (and tests read). */
  readonly xserver: XServer;
  /** A fresh browser context, page and engine on a temp vault, with the app loaded (see {@link OpenAppOptions}). */
  openApp(options?: OpenAppOptions): Promise<E2eApp>;
  /** Disposes every app still open, then closes the browser, the server and the X server. */
  close(): Promise<void>;
}

/**
 * Starts what one test file shares: Chromium (headless, via playwright-core), the renderer server —
 * serving a copy of the build taken now, so a rebuild during the file changes nothing under it — and
 * Xvfb. Fails, saying what to do, when the build is missing or older than the channel list (`npm run
 * build`) or when Chromium, Xvfb or xclip/xsel are not installed (`bash scripts/setup.sh --test`).
 */
export async function startE2eEnvironment(options: E2eEnvironmentOptions = {}): Promise<E2eEnvironment> {
  const build = options.build ?? defaultBuildPaths();
  const preloadBundle = readBuiltPreload(build);
  const xReason =
    x11SkipReason(['Xvfb']) ??
    (x11SkipReason(['xclip']) === null || x11SkipReason(['xsel']) === null
      ? null
      : 'neither xclip nor xsel is installed (apt-get install -y xclip)');
  if (xReason !== null) {
    throw new Error(`The e2e harness needs a real X clipboard: ${xReason}.`);
  }
  const snapshot = makeTempDir('keyward-e2e-build-');
  let rendererDir: string;
  try {
    rendererDir = snapshotRendererBuild(build.rendererDir, join(snapshot.dir, 'renderer'));
  } catch (error) {
    snapshot.cleanup();
    throw error;
  }
  const executablePath = options.executablePath ?? process.env['KEYWARD_CHROMIUM'] ?? '/usr/bin/chromium';

  const started = await Promise.allSettled([
    chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] }),
    startRendererServer({ rendererDir }),
    startXvfb(),
  ] as const);
  const [browserResult, serverResult, xResult] = started;
  if (
    browserResult.status === 'rejected' ||
    serverResult.status === 'rejected' ||
    xResult.status === 'rejected'
  ) {
    await Promise.allSettled([
      browserResult.status === 'fulfilled' ? browserResult.value.close() : undefined,
      serverResult.status === 'fulfilled' ? serverResult.value.close() : undefined,
      xResult.status === 'fulfilled' ? xResult.value.stop() : undefined,
    ]);
    snapshot.cleanup();
    const reasons = started.flatMap((result) =>
      result.status === 'rejected' ? [String(result.reason)] : [],
    );
    throw new Error(
      `The e2e harness could not start (Chromium at ${executablePath}; set KEYWARD_CHROMIUM to use another): ${reasons.join('; ')}`,
    );
  }
  const browser = browserResult.value;
  const server = serverResult.value;
  const xserver = xResult.value;
  const clipboard = settledClipboard(new OsClipboard(pickClipboardBackend({ env: xserver.env })));
  const open = new Set<E2eApp>();

  return {
    browser,
    server,
    xserver,
    async openApp(appOptions = {}) {
      const app = await openAppSession({
        browser,
        server,
        clipboard,
        preloadBundle,
        options: appOptions,
        onDispose: (disposed) => open.delete(disposed),
      });
      open.add(app);
      return app;
    },
    async close() {
      const disposals = await Promise.allSettled([...open].map((app) => app.dispose()));
      await Promise.allSettled([browser.close(), server.close(), xserver.stop()]);
      snapshot.cleanup();
      const failed = disposals.flatMap((result) =>
        result.status === 'rejected' ? [result.reason as unknown] : [],
      );
      if (failed.length > 0) {
        throw new AggregateError(failed, 'Some e2e apps failed while being disposed');
      }
    },
  };
}
