// The vitest side of the harness: one environment per test file, every app disposed after its test.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { E2eApp, OpenAppOptions } from './app-session.ts';
import { startE2eEnvironment } from './environment.ts';
import type { E2eEnvironment, E2eEnvironmentOptions } from './environment.ts';

/** What {@link setupE2e} hands a test file. */
export interface E2eSuite {
  /** A fresh app for this test (context, page, engine on a temp vault); disposed after the test. */
  openApp(options?: OpenAppOptions): Promise<E2eApp>;
  /** The file's environment (browser, renderer server, X server); only inside tests and hooks. */
  environment(): E2eEnvironment;
}

/** Starting Chromium, Xvfb and the server takes about a second; allow for a slow, busy CI machine. */
const START_TIMEOUT_MS = 60_000;

/**
 * Registers the hooks of an e2e test file: `beforeAll` starts one {@link E2eEnvironment} (Chromium,
 * the renderer server, Xvfb), `afterEach` disposes the apps the test opened (failing the test if one
 * ended with a page error or an off-contract event), `afterAll` closes the environment. Call it once,
 * at the top level of the file.
 */
export function setupE2e(options: E2eEnvironmentOptions = {}): E2eSuite {
  let environment: E2eEnvironment | undefined;
  const opened: E2eApp[] = [];
  beforeAll(async () => {
    environment = await startE2eEnvironment(options);
  }, START_TIMEOUT_MS);
  afterEach(async () => {
    const apps = opened.splice(0);
    const results = await Promise.allSettled(apps.map((app) => app.dispose()));
    const failed = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as unknown] : [],
    );
    if (failed.length === 1) {
      throw failed[0];
    }
    if (failed.length > 1) {
      throw new AggregateError(failed, 'Several e2e apps ended with problems');
    }
  });
  afterAll(async () => {
    await environment?.close();
  });
  const current = (): E2eEnvironment => {
    if (environment === undefined) {
      throw new Error('The e2e environment is not running: use openApp inside a test or hook.');
    }
    return environment;
  };
  return {
    environment: current,
    async openApp(appOptions) {
      const app = await current().openApp(appOptions);
      opened.push(app);
      return app;
    },
  };
}
