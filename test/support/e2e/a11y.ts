// Accessibility checks with axe-core, run in the page without weakening the CSP: axe's source goes in
// through `page.evaluate` (the DevTools protocol's Runtime.evaluate, which the page's CSP does not
// govern) rather than a <script> tag, which `script-src 'self'` would rightly refuse.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type axe from 'axe-core';
import type { Page } from 'playwright-core';
import { inEachColorScheme } from './color-scheme.ts';
import type { ColorScheme } from './color-scheme.ts';

/** The impacts that fail {@link checkA11y}. */
export const FAILING_IMPACTS: readonly string[] = ['serious', 'critical'];

/** What part of the page to check: a CSS selector, or axe's include/exclude object of selectors. */
export type A11yContext = string | axe.SerialContextObject;

/** Options of {@link checkA11y}. */
export interface A11yOptions {
  /**
   * The color schemes to check in, one axe run each (default both, `light` then `dark`: contrast
   * differs). The page is left in the scheme it was in.
   */
  colorSchemes?: readonly ColorScheme[];
  /** axe rule ids to skip, each with the reason (kept in the test, where a reviewer sees it). */
  disableRules?: Readonly<Record<string, string>>;
}

/** One failing rule, as {@link checkA11y} reports it. */
export interface A11yViolation {
  scheme: ColorScheme;
  id: string;
  impact: string;
  help: string;
  helpUrl: string;
  /** Each failing element: its selector and axe's summary of what to fix. */
  nodes: { target: string; summary: string }[];
}

/** The slice of axe's API the check uses (axe's own `run` type refers to DOM types Node lacks). */
interface AxeRunner {
  run(
    context: unknown,
    options: { resultTypes: ['violations']; rules: Record<string, { enabled: boolean }> },
  ): Promise<{ violations: axe.Result[] }>;
}

let axeSource: string | undefined;

function loadAxeSource(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** A readable report: one line per rule, one indented line per element. */
export function formatViolations(violations: readonly A11yViolation[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes.map((node) => `    ${node.target} — ${node.summary}`).join('\n');
      return `- [${violation.scheme}] ${violation.id} (${violation.impact}): ${violation.help}\n    ${violation.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/**
 * Runs axe-core on the page (or `context` of it) in each color scheme and throws, listing rule id,
 * impact, help, target and axe's fix summary, for every `serious` or `critical` violation. Returns
 * every violation found (including `minor` and `moderate` ones) for tests that want more.
 */
export async function checkA11y(
  page: Page,
  context?: A11yContext,
  options: A11yOptions = {},
): Promise<A11yViolation[]> {
  const schemes = options.colorSchemes ?? ['light', 'dark'];
  const hasAxe = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!hasAxe) {
    await page.evaluate(loadAxeSource());
  }
  const rules = Object.fromEntries(
    Object.keys(options.disableRules ?? {}).map((id) => [id, { enabled: false }]),
  );
  const perScheme = await inEachColorScheme(page, schemes, async (scheme) => {
    const results = await page.evaluate(
      async ([target, ruleOptions]) => {
        const runner = (globalThis as unknown as { axe: AxeRunner }).axe;
        const whole = (globalThis as unknown as { document: unknown }).document;
        const run = await runner.run(target ?? whole, { resultTypes: ['violations'], rules: ruleOptions });
        return run.violations.map((violation) => ({
          id: violation.id,
          impact: violation.impact ?? 'unknown',
          help: violation.help,
          helpUrl: violation.helpUrl,
          nodes: violation.nodes.map((node) => ({
            target: node.target
              .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
              .join(' '),
            summary: (node.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
          })),
        }));
      },
      [context ?? null, rules] as const,
    );
    return results.map((violation): A11yViolation => ({ scheme, ...violation }));
  });
  const found = perScheme.flat();
  const failing = found.filter((violation) => FAILING_IMPACTS.includes(violation.impact));
  if (failing.length > 0) {
    throw new Error(
      `axe found ${failing.length} serious or critical accessibility violation(s) on ${page.url()}:\n${formatViolations(failing)}`,
    );
  }
  return found;
}
