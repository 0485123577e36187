import type { Page } from 'playwright-core';

/** A `prefers-color-scheme` value. */
export type ColorScheme = 'light' | 'dark';

/** The color scheme the page currently reports through `prefers-color-scheme`. */
export async function currentColorScheme(page: Page): Promise<ColorScheme> {
  const dark = await page.evaluate(
    () =>
      (globalThis as unknown as { matchMedia(query: string): { matches: boolean } }).matchMedia(
        '(prefers-color-scheme: dark)',
      ).matches,
  );
  return dark ? 'dark' : 'light';
}

/**
 * Runs `step` once per scheme with the page emulating it, in order, and puts the page back in the
 * scheme it was in (also when a step throws). Returns the steps' results.
 */
export async function inEachColorScheme<T>(
  page: Page,
  schemes: readonly ColorScheme[],
  step: (scheme: ColorScheme) => Promise<T>,
): Promise<T[]> {
  const before = await currentColorScheme(page);
  const results: T[] = [];
  try {
    for (const scheme of schemes) {
      await page.emulateMedia({ colorScheme: scheme });
      results.push(await step(scheme));
    }
  } finally {
    await page.emulateMedia({ colorScheme: before });
  }
  return results;
}
