// One test's app: a fresh browser context and page on the renderer build, a fresh KeywardEngine on a
// temp vault, and — playing the main process — the same `createDispatch` over the same
// `createEngineHandlers` that electron/main registers with ipcMain, a ClipboardGuard over the real X
// clipboard, and the engine's and the guard's events forwarded to the page through the bridge's `on`.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { createDesktopCore } from '../../../electron/main/desktop-core.ts';
import { createDispatch, trustedSenderFor } from '../../../electron/main/ipc/dispatch.ts';
import type { IpcSender } from '../../../electron/main/ipc/dispatch.ts';
import type { ClipboardGuard } from '../../../electron/vault/clipboard/clipboard-guard.ts';
import type { ClipboardTarget, SystemClipboard } from '../../../electron/vault/clipboard/clipboard.ts';
import { createSystemClock } from '../../../electron/vault/clock.ts';
import type { Clock } from '../../../electron/vault/clock.ts';
import type { Keychain } from '../../../electron/vault/keychain/keychain.ts';
import { OsKeychain } from '../../../electron/vault/keychain/os-keychain.ts';
import type { Settings } from '../../../shared/domain/settings.ts';
import type { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import type { KdfTuning } from '../../../electron/vault/vault.ts';
import { CHANNELS, ipcChannelName, ipcEventName } from '../../../shared/ipc/channels.ts';
import { createLogger, MemoryLogSink } from '../../../shared/log/logger.ts';
import type { LogRecord } from '../../../shared/log/logger.ts';
import { events } from '../../../shared/ipc/contract.ts';
import type { EventName, EventPayload, IpcResult } from '../../../shared/ipc/contract.ts';
import { FakeClock } from '../fake-clock.ts';
import { makeTempDir, MemoryKeychain } from '../temp-vault.ts';
import { preloadInitScript } from './preload-script.ts';
import type { RendererServer } from './renderer-server.ts';

/** The master password of the vaults `openApp` creates (unless told another). */
export const E2E_PASSWORD = 'e2e master password';

/** Argon2id tuned down for speed (`allowWeakKdf`); a later unlock in the app re-wraps to the defaults. */
export const E2E_KDF: KdfTuning = { memoryKiB: 1024, iterations: 1, parallelism: 1 };

/** The actor main's engine logs as. */
const ACTOR = 'owner@desktop';

/** Playwright's timeout for every action, wait and navigation of an app's page; also `nextEvent`'s. */
const PLAYWRIGHT_TIMEOUT_MS = 15_000;

/** The main window's size (electron/main/window.ts), so pages lay out as in the app. */
const WINDOW_SIZE = { width: 1120, height: 740 };

/**
 * One message across the harness's IPC, in order: a renderer→main call, an invoke of a name main
 * never registered (which the bridge should make impossible), or a main→renderer event.
 */
export type IpcRecord =
  | { kind: 'call'; channel: string; input: unknown; sender: IpcSender; result: IpcResult<unknown> }
  | { kind: 'unregistered'; name: string }
  | { kind: 'event'; event: EventName; payload: unknown };

/** How {@link openAppSession} (`openApp`) prepares a test's app. */
export interface OpenAppOptions {
  /**
   * The vault before the page loads: `unlocked` (default; created with {@link password}), `locked`
   * (created, then locked), or `none` (no vault file yet: the first-run screen).
   */
  vault?: 'unlocked' | 'locked' | 'none';
  /** The master password (default {@link E2E_PASSWORD}). */
  password?: string;
  /**
   * The engine's clock (default: the system clock). With a {@link FakeClock}, the page's `Date`
   * starts at the fake time too, and {@link E2eApp.advanceClock} moves both.
   */
  clock?: Clock;
  /**
   * The OS keychain (default: the real one when `KEYWARD_TEST_KEYRING=1` — scripts/with-keyring.sh
   * sets it — else an in-memory one). A vault remembered in the real keychain is forgotten on dispose.
   */
  keychain?: Keychain;
  /** Keep the idle auto-lock (default false: turned off, so waiting or moving a fake clock never locks). */
  autoLock?: boolean;
  /**
   * Settings the vault is created with (before `seed`). Settings that weaken a protection need a
   * re-authentication later; here the new password is the proof.
   */
  settings?: Partial<Settings>;
  /** Runs after the vault is set up and before the page loads (while unlocked, unless `vault: 'none'`). */
  seed?: (engine: KeywardEngine) => void | Promise<void>;
  /** The page's `prefers-color-scheme` (default `light`). */
  colorScheme?: 'light' | 'dark';
  /** The page's time zone (default `UTC`, so dates render the same everywhere). */
  timezoneId?: string;
  /** Load the app before returning (default true); false leaves the page blank for {@link E2eApp.goto}. */
  navigate?: boolean;
  /** Do not fail on dispose for uncaught errors in the page (default false). */
  allowPageErrors?: boolean;
}

/** A test's running app. Dispose it (the vitest helper `setupE2e` does after each test). */
export interface E2eApp {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Main's engine: arrange data through its methods (below them: test/support/engine-internals.ts), assert on its state. */
  readonly engine: KeywardEngine;
  readonly clock: Clock;
  /** Main's clipboard guard (the one `keys.copy` and `secret.copy` write through). */
  readonly guard: ClipboardGuard;
  /** The app's origin (`http://127.0.0.1:<port>`): the only one main trusts. */
  readonly origin: string;
  /** The entry page's URL. */
  readonly url: string;
  /** The vault's database file. */
  readonly vaultPath: string;
  /** The vault's master password. */
  readonly password: string;
  /** Files main was told to save to by the (stand-in) save dialog, in order. */
  readonly savedFiles: readonly string[];
  /** Queues the save dialog's next answer: a path, or null for "cancelled" (default: a temp path). */
  answerSaveDialog(path: string | null): void;
  /** Queues the open dialog's next answer: a path, or null for "cancelled" (the default). */
  answerOpenDialog(path: string | null): void;
  /** Every call and event so far, with full results (key material included, where a call returned it). */
  readonly ipcLog: readonly IpcRecord[];
  /** What main's logger recorded so far (dispatch, engine, clipboard guard; `debug` and up, redacted). */
  readonly log: readonly LogRecord[];
  /** Uncaught errors in the page so far (messages). */
  readonly pageErrors: readonly string[];
  /** Console errors in the page so far (CSP refusals show up here too). */
  readonly consoleErrors: readonly string[];
  /**
   * Sends a main→renderer event the way main's `sendEvent` does: the payload is checked against the
   * contract's `events` schema first (this rejects when it does not match, where main would drop it),
   * then delivered to the main frame's `keyward.on` listeners. Resolves once they have run.
   */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): Promise<void>;
  /**
   * Resolves with the next event main sends (from now on) that matches `predicate`: the engine's
   * `vault.locked` / `notices.fired`, the guard's `clipboard.changed`, or one {@link emit} sends.
   * Resolves once the page's listeners have run; rejects after `timeoutMs` (default 15 s), naming
   * the events of that name that came but did not match.
   */
  nextEvent<E extends EventName>(
    event: E,
    predicate?: (payload: EventPayload<E>) => boolean,
    timeoutMs?: number,
  ): Promise<EventPayload<E>>;
  /** What the real X clipboard (or primary `selection`) holds now; null when nothing textual. */
  readClipboard(target?: ClipboardTarget): Promise<string | null>;
  /** Moves a {@link FakeClock} (and the page's `Date`) forward; firing the engine's and the guard's timers. */
  advanceClock(ms: number): Promise<void>;
  /** Loads `path` of the app (default the entry page) and waits until React has rendered into #root. */
  goto(path?: string): Promise<void>;
  /**
   * Closes the context, locks the engine, removes the temp vault (forgetting it in a real keychain),
   * clears the clipboard if the guard wrote it, and rejects if a forwarded event failed the contract
   * or the page threw (unless `allowPageErrors`).
   */
  dispose(): Promise<void>;
}

/** What {@link openAppSession} needs from the environment (environment.ts). */
export interface AppSessionSetup {
  browser: Browser;
  server: RendererServer;
  clipboard: SystemClipboard;
  preloadBundle: string;
  options: OpenAppOptions;
  /** Told once the app is disposed. */
  onDispose?: (app: E2eApp) => void;
}

/** Who called a Playwright binding. */
interface BindingSource {
  page: Page;
  frame: Frame;
}

const channelsByIpcName = new Map<string, string>(
  CHANNELS.map((channel) => [ipcChannelName(channel), channel]),
);

function defaultKeychain(): Keychain {
  return process.env['KEYWARD_TEST_KEYRING'] === '1' ? new OsKeychain() : new MemoryKeychain();
}

function senderOf(source: BindingSource, page: Page): IpcSender {
  return {
    url: source.frame.url(),
    isMainFrame: source.frame.parentFrame() === null,
    isOurWindow: source.page === page,
  };
}

function isPageGone(error: unknown): boolean {
  return error instanceof Error && /closed|detached|destroyed|navigat/i.test(error.message);
}

interface Waiter {
  event: EventName;
  accept: (payload: unknown) => boolean;
  resolve: (payload: unknown) => void;
  /** Events of the awaited name that did not match, for the timeout's message. */
  passed: unknown[];
  timer: NodeJS.Timeout;
}

/** A fresh context and page, sized and set up like the app's window. */
async function openPage(
  browser: Browser,
  options: OpenAppOptions,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: WINDOW_SIZE,
    colorScheme: options.colorScheme ?? 'light',
    timezoneId: options.timezoneId ?? 'UTC',
    locale: 'en-US',
  });
  // Below vitest's 30 s test timeout, so a stuck step fails with Playwright's account of it (which
  // step, waiting for what) rather than a bare test timeout.
  context.setDefaultTimeout(PLAYWRIGHT_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(PLAYWRIGHT_TIMEOUT_MS);
  try {
    return { context, page: await context.newPage() };
  } catch (error) {
    await context.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Opens one app (what `openApp` does): see {@link OpenAppOptions} and {@link E2eApp}. The browser
 * side and the vault are set up at the same time (each takes a few hundred ms on 2 cores). Cleans up
 * after itself when any step fails.
 */
export async function openAppSession(setup: AppSessionSetup): Promise<E2eApp> {
  const { browser, server, clipboard, preloadBundle, options } = setup;
  const clock = options.clock ?? createSystemClock();
  const keychain = options.keychain ?? defaultKeychain();
  const password = options.password ?? E2E_PASSWORD;
  const temp = makeTempDir('keyward-e2e-');
  const vaultPath = join(temp.dir, 'keyward.vault');
  const names = {
    invoke: `__keywardIpc_${randomBytes(6).toString('hex')}`,
    deliver: `__keywardEvent_${randomBytes(6).toString('hex')}`,
  };
  const ipcLog: IpcRecord[] = [];
  const saveAnswers: (string | null)[] = [];
  const openAnswers: (string | null)[] = [];
  const savedFiles: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  const forwardErrors: unknown[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const waiters = new Set<Waiter>();
  let disposed = false;
  let clipboardWritten = false;
  let ignorePageErrors = options.allowPageErrors === true;
  let browserSide: { context: BrowserContext; page: Page } | undefined;

  const deliver = async (event: EventName, payload: unknown): Promise<void> => {
    const checked = events[event].safeParse(payload);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new Error(
        `${event}: the payload does not match the contract's events schema (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`,
      );
    }
    ipcLog.push({ kind: 'event', event, payload: checked.data });
    try {
      // Before the page exists (while the vault is set up) or after dispose, nobody listens.
      if (browserSide !== undefined && !disposed) {
        await browserSide.page.mainFrame().evaluate(
          ([fn, name, data]) => {
            const target = (globalThis as unknown as Record<string, unknown>)[fn];
            if (typeof target === 'function') {
              (target as (name: string, data: unknown) => void)(name, data);
            }
          },
          [names.deliver, ipcEventName(event), checked.data] as const,
        );
      }
    } finally {
      // After the page's listeners ran (or the page was found gone), so `await nextEvent(…)` can be
      // followed at once by assertions on what the page did with it.
      for (const waiter of [...waiters]) {
        if (waiter.event !== event) {
          continue;
        }
        if (waiter.accept(checked.data)) {
          waiters.delete(waiter);
          waiter.resolve(checked.data);
        } else {
          waiter.passed.push(checked.data);
        }
      }
    }
  };
  // What the engine and the guard send: fire and forget, as main's sendEvent. A page that is gone
  // drops it (as a closed window does); a payload off the contract is kept for dispose to report.
  const forward = (event: EventName, payload: unknown): void => {
    const sending = deliver(event, payload).catch((error: unknown) => {
      if (!isPageGone(error)) {
        forwardErrors.push(error);
      }
    });
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  };

  // The desktop core main builds (electron/main/desktop-core.ts): engine, clipboard guard, handlers,
  // and their events — here sent to the page instead of a window.
  // Main's logger: here the records stay in memory for the test to read (main: the log file).
  const logSink = new MemoryLogSink();
  const logger = createLogger({ sink: logSink, level: 'debug' });
  const core = createDesktopCore({
    logger,
    path: vaultPath,
    clock,
    keychain,
    clipboard,
    actor: ACTOR,
    kdfTuning: E2E_KDF,
    allowWeakKdf: true,
    send: (event, payload) => forward(event, payload),
    // The save dialog: the answer a test queued, else the default name in the app's temp folder
    // (as a user accepting the suggested name would).
    // The open dialog: the answer a test queued, else "cancelled".
    chooseOpenFile: () => Promise.resolve(openAnswers.shift() ?? null),
    chooseSaveFile: ({ defaultName }) => {
      const answer = saveAnswers.length > 0 ? (saveAnswers.shift() ?? null) : join(temp.dir, defaultName);
      if (answer !== null) {
        savedFiles.push(answer);
      }
      return Promise.resolve(answer);
    },
  });
  const { engine, guard } = core;
  guard.onChange((change) => {
    if (change.kind === 'copied') {
      clipboardWritten = true;
    }
  });

  const dispose = async (): Promise<void> => {
    if (disposed) {
      return;
    }
    disposed = true;
    // A test that ended before its awaited event came: forget the wait (no late rejection).
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
    }
    waiters.clear();
    await browserSide?.context.close().catch(() => undefined);
    core.dispose();
    if (!(keychain instanceof MemoryKeychain) && engine.vault.exists()) {
      await engine.vault.forget().catch(() => false);
    }
    engine.lock('quit');
    await Promise.allSettled([...inFlight]);
    if (clipboardWritten) {
      await Promise.allSettled([clipboard.clear('clipboard'), clipboard.clear('selection')]);
    }
    temp.cleanup();
    const problems = [
      ...forwardErrors.map((error) => (error instanceof Error ? error.message : String(error))),
      ...(ignorePageErrors ? [] : pageErrors.map((message) => `uncaught in the page: ${message}`)),
    ];
    if (problems.length > 0) {
      throw new Error(`The e2e app ended with problems:\n- ${problems.join('\n- ')}`);
    }
  };

  const prepareVault = async (): Promise<void> => {
    if (options.vault !== 'none') {
      // Settings that weaken a protection (auto-lock off, …) need a re-authentication once the
      // vault exists; set at creation, the new password is that proof.
      await engine.create(password, {
        settings: { ...(options.autoLock === true ? {} : { autoLockMinutes: 0 }), ...options.settings },
      });
    }
    await options.seed?.(engine);
    if (options.vault === 'locked') {
      engine.lock('manual');
    }
  };

  try {
    const [pageResult, vaultResult] = await Promise.allSettled([openPage(browser, options), prepareVault()]);
    if (pageResult.status === 'fulfilled') {
      browserSide = pageResult.value;
    }
    if (pageResult.status === 'rejected') {
      throw pageResult.reason;
    }
    if (vaultResult.status === 'rejected') {
      throw vaultResult.reason;
    }
    const { context, page } = pageResult.value;
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        consoleErrors.push(message.text());
      }
    });
    page.on('requestfailed', (request) =>
      failedRequests.push(`${request.url()} (${request.failure()?.errorText ?? 'failed'})`),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) {
        failedRequests.push(`${response.url()} (${response.status()})`);
      }
    });

    // Main: the same dispatch over the same handlers electron/main registers with ipcMain.
    const dispatch = createDispatch({
      handlers: core.handlers,
      isTrustedSender: trustedSenderFor(server.origin),
      logger,
    });
    await page.exposeBinding(names.invoke, async (source: BindingSource, name: unknown, input: unknown) => {
      const channel = typeof name === 'string' ? channelsByIpcName.get(name) : undefined;
      if (channel === undefined) {
        ipcLog.push({ kind: 'unregistered', name: String(name) });
        // What ipcRenderer.invoke answers for a name main never registered.
        throw new Error(`No handler registered for '${String(name)}'`);
      }
      const sender = senderOf(source, page);
      const result = await dispatch(channel, input, sender);
      ipcLog.push({ kind: 'call', channel, input, sender, result });
      return JSON.stringify(result);
    });
    await page.addInitScript(preloadInitScript(preloadBundle, names));
    if (clock instanceof FakeClock) {
      await context.clock.setSystemTime(clock.now());
    }

    const app: E2eApp = {
      page,
      context,
      engine,
      clock,
      guard,
      origin: server.origin,
      url: server.url(),
      vaultPath,
      password,
      ipcLog,
      savedFiles,
      log: logSink.records,
      answerSaveDialog: (path) => {
        saveAnswers.push(path);
      },
      answerOpenDialog: (path) => {
        openAnswers.push(path);
      },
      pageErrors,
      consoleErrors,
      emit: (event, payload) => deliver(event, payload),
      nextEvent: <E extends EventName>(
        event: E,
        predicate: (payload: EventPayload<E>) => boolean = () => true,
        timeoutMs = PLAYWRIGHT_TIMEOUT_MS,
      ) =>
        new Promise<EventPayload<E>>((resolve, reject) => {
          const waiter: Waiter = {
            event,
            accept: (payload) => predicate(payload as EventPayload<E>),
            resolve: (payload) => {
              clearTimeout(waiter.timer);
              resolve(payload as EventPayload<E>);
            },
            passed: [],
            timer: setTimeout(() => {
              waiters.delete(waiter);
              const passed = waiter.passed.map((payload) => JSON.stringify(payload)).join(', ');
              reject(
                new Error(
                  `No matching ${event} event within ${timeoutMs} ms (${passed === '' ? `no ${event} at all` : `only ${passed}`})`,
                ),
              );
            }, timeoutMs),
          };
          waiters.add(waiter);
        }),
      readClipboard: (target = 'clipboard') => clipboard.read(target),
      async advanceClock(ms) {
        if (!(clock instanceof FakeClock)) {
          throw new Error('advanceClock needs openApp({ clock: new FakeClock(…) })');
        }
        clock.advance(ms);
        await context.clock.setSystemTime(clock.now());
      },
      async goto(path = '/index.html') {
        await page.goto(server.url(path));
        try {
          // A locator rather than waitForFunction: it needs no eval, which the CSP refuses.
          await page.locator('#root > *').first().waitFor({ state: 'attached' });
        } catch (error) {
          const seen = (label: string, list: readonly string[]) =>
            list.length === 0 ? '' : `\n${label}:\n- ${list.join('\n- ')}`;
          throw new Error(
            `The app did not render into #root: ${(error as Error).message.split('\n')[0] ?? ''}` +
              seen('uncaught in the page', pageErrors) +
              seen('console errors', consoleErrors) +
              seen('failed requests', failedRequests),
            { cause: error },
          );
        }
      },
      async dispose() {
        try {
          await dispose();
        } finally {
          setup.onDispose?.(app);
        }
      },
    };
    if (options.navigate !== false) {
      await app.goto();
    }
    return app;
  } catch (error) {
    ignorePageErrors = true;
    await dispose().catch(() => undefined);
    throw error;
  }
}
