// Screenshots for the README and docs, taken by the e2e tests where they already have the screen set
// up. Written only when KEYWARD_SCREENSHOTS=1 (`npm run screenshots`), so an ordinary test run — in
// CI especially — never changes files in the checkout.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { inEachColorScheme } from './color-scheme.ts';
import { REPO_ROOT } from './preload-script.ts';

/** Where screenshots go: docs/screenshots/<name>-<light|dark>.png. */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'docs', 'screenshots');

/** Whether this run writes screenshots (`KEYWARD_SCREENSHOTS=1`). */
export function screenshotsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['KEYWARD_SCREENSHOTS'] === '1';
}

/** Options of {@link saveScreenshot}. */
export interface ScreenshotOptions {
  /** The whole scrollable page rather than the window (default false). */
  fullPage?: boolean;
  /** Where to write (default {@link SCREENSHOT_DIR}). */
  dir?: string;
  /** Write even without `KEYWARD_SCREENSHOTS=1` (default: {@link screenshotsEnabled}). */
  enabled?: boolean;
}

/**
 * Writes `docs/screenshots/<name>-light.png` and `<name>-dark.png` — the page in each color scheme,
 * animations stopped, caret hidden — when `KEYWARD_SCREENSHOTS=1`; otherwise does nothing. `name` is
 * kebab-case. Leaves the page in the color scheme it was in. Returns the files written.
 */
export async function saveScreenshot(
  page: Page,
  name: string,
  options: ScreenshotOptions = {},
): Promise<string[]> {
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`Screenshot names are kebab-case (a-z, 0-9, -): ${JSON.stringify(name)}`);
  }
  if (!(options.enabled ?? screenshotsEnabled())) {
    return [];
  }
  const dir = options.dir ?? SCREENSHOT_DIR;
  mkdirSync(dir, { recursive: true });
  return inEachColorScheme(page, ['light', 'dark'], async (scheme) => {
    await page.evaluate(() =>
      (
        globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }
      ).document.fonts.ready.then(() => true),
    );
    const path = join(dir, `${name}-${scheme}.png`);
    await page.screenshot({
      path,
      fullPage: options.fullPage ?? false,
      animations: 'disabled',
      caret: 'hide',
    });
    return path;
  });
}
