// The renderer's Content-Security-Policy, in real Chromium: the harness serves exactly the headers the
// app protocol sends, and the browser enforces them — no inline script, handler, style or eval, nothing
// from another origin, no frames either way, no <base>, no form posts — while the app itself runs
// under it without a single refusal.
import { describe, expect, it } from 'vitest';
import { createAppRequestHandler } from '../../electron/main/app-request-handler.ts';
import { buildCsp, RENDERER_CSP, RENDERER_CSP_DIRECTIVES, securityHeaders } from '../../electron/main/csp.ts';
import { setupE2e } from '../support/e2e/index.ts';
import type { E2eApp, PageCspViolation, PageGlobals } from '../support/e2e/index.ts';

const e2e = setupE2e();

/** Another origin, routed by the test so that a request that got out would be seen. */
const FOREIGN = 'http://cdn.invalid';

/** Headers the transport adds (Node's HTTP server), which the app protocol has no equivalent of. */
const TRANSPORT_HEADERS = new Set([
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

function withoutTransport(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .map(([name, value]) => [name.toLowerCase(), value] as const)
      .filter(([name]) => !TRANSPORT_HEADERS.has(name)),
  );
}

/** Something a page might try that the CSP must refuse. */
type Attempt =
  | 'inline-script'
  | 'inline-handler'
  | 'eval'
  | 'new-function'
  | 'string-timer'
  | 'style-element'
  | 'style-attribute'
  | 'foreign-script'
  | 'foreign-fetch'
  | 'foreign-image'
  | 'frame'
  | 'base'
  | 'form-post';

/** What happened when the page tried it. */
interface Outcome {
  /** The code it tried to run ran (or the style applied). */
  took: boolean;
  violation: Pick<PageCspViolation, 'effectiveDirective' | 'blockedURI' | 'disposition' | 'originalPolicy'>;
}

/**
 * Makes the page try `attempt` and resolves with the `securitypolicyviolation` it raised and whether
 * the attempt took effect. Runs in the page: everything it needs is inside.
 */
function attemptInPage(app: E2eApp, attempt: Attempt): Promise<Outcome> {
  return app.page.evaluate(
    ([what, foreign]) =>
      new Promise<Outcome>((resolve, reject) => {
        const w = globalThis as unknown as PageGlobals;
        const doc = w.document;
        const marker = 'rgb(1, 2, 3)';
        const probe = doc.createElement('div');
        probe.id = 'e2e-probe';
        doc.body.append(probe);
        w.__e2eRan = false;
        const took = (): boolean => w.__e2eRan === true || w.getComputedStyle(probe).color === marker;
        const timer = w.setTimeout(() => reject(new Error(`no securitypolicyviolation for ${what}`)), 5_000);
        const onViolation = (event: PageCspViolation): void => {
          w.setTimeout(() => {
            // The violation is reported first, the refused code would have run before it: look now.
            doc.removeEventListener('securitypolicyviolation', onViolation);
            clearTimeout(timer);
            probe.remove();
            resolve({
              took: took(),
              violation: {
                effectiveDirective: event.effectiveDirective,
                blockedURI: event.blockedURI,
                disposition: event.disposition,
                originalPolicy: event.originalPolicy,
              },
            });
          }, 0);
        };
        doc.addEventListener('securitypolicyviolation', onViolation);
        const ran = 'globalThis.__e2eRan = true';
        // Code compiled from a string later, outside page.evaluate (which DevTools exempts from the CSP).
        const later = (compile: () => void) => w.setTimeout(compile, 0);
        const add = (
          tag: string,
          attributes: Record<string, string>,
          text = '',
        ): ReturnType<typeof doc.createElement> => {
          const element = doc.createElement(tag);
          for (const [name, value] of Object.entries(attributes)) {
            element.setAttribute(name, value);
          }
          element.textContent = text;
          doc.body.append(element);
          return element;
        };
        switch (what) {
          case 'inline-script':
            add('script', {}, ran);
            break;
          case 'inline-handler':
            add('button', { onclick: ran, type: 'button' }).click();
            break;
          case 'eval':
            later(() => {
              try {
                (0, eval)(ran);
              } catch {
                // EvalError: refused
              }
            });
            break;
          case 'new-function':
            later(() => {
              try {
                // eslint-disable-next-line @typescript-eslint/no-implied-eval
                (new Function(ran) as () => void)();
              } catch {
                // EvalError: refused
              }
            });
            break;
          case 'string-timer':
            w.setTimeout(ran, 0);
            break;
          case 'style-element':
            add('style', {}, `#e2e-probe { color: ${marker} }`);
            break;
          case 'style-attribute':
            probe.setAttribute('style', `color: ${marker}`);
            break;
          case 'foreign-script':
            add('script', { src: `${foreign}/evil.js` });
            break;
          case 'foreign-fetch':
            w.fetch(`${foreign}/data.json`).catch(() => undefined);
            break;
          case 'foreign-image':
            add('img', { src: `${foreign}/pixel.png`, alt: '' });
            break;
          case 'frame':
            add('iframe', { src: '/index.html', title: 'frame' });
            break;
          case 'base':
            add('base', { href: `${foreign}/` });
            break;
          case 'form-post': {
            const form = add('form', { action: `${foreign}/steal`, method: 'post' });
            const button = doc.createElement('button');
            button.setAttribute('type', 'submit');
            form.append(button);
            button.click();
            break;
          }
        }
      }),
    [attempt, FOREIGN] as const,
  );
}

/** Opens the app with a route for the foreign origin that records any request that gets through. */
async function openWithForeignOrigin(): Promise<{ app: E2eApp; reached: string[] }> {
  const app = await e2e.openApp({ navigate: false });
  const reached: string[] = [];
  await app.page.route(`${FOREIGN}/**`, (route) => {
    reached.push(route.request().url());
    return route.fulfill({ contentType: 'text/javascript', body: 'globalThis.__e2eRan = true;' });
  });
  await app.goto();
  return { app, reached };
}

describe('the served headers', () => {
  it('are the app protocol’s own, CSP first, on the page and on every file it loads', async () => {
    const app = await e2e.openApp({ navigate: false });
    const responses: { url: string; headers: Record<string, string> }[] = [];
    app.page.on('response', (response) =>
      responses.push({ url: response.url(), headers: response.headers() }),
    );
    await app.goto();

    const protocol = createAppRequestHandler({ rendererDir: e2e.environment().server.rendererDir });
    const fromProtocol = await protocol(new Request('app://keyward/index.html'));
    const expected = withoutTransport(Object.fromEntries(fromProtocol.headers));
    expect(expected['content-security-policy']).toBe(RENDERER_CSP);
    expect(RENDERER_CSP).toBe(buildCsp(RENDERER_CSP_DIRECTIVES));

    const page = responses.find((response) => response.url === app.url);
    expect(page && withoutTransport(page.headers)).toEqual(expected);
    const files = responses.filter((response) => response.url.startsWith(app.origin));
    expect(files.length).toBeGreaterThanOrEqual(3); // the page, its script and its stylesheet at least
    for (const file of files) {
      for (const [name, value] of Object.entries(securityHeaders())) {
        expect(file.headers[name.toLowerCase()], `${name} on ${file.url}`).toBe(value);
      }
    }
  });

  it('and the app runs under them without a single refusal', async () => {
    const app = await e2e.openApp();
    await app.page.locator('#root').waitFor();
    expect(app.consoleErrors.filter((text) => /Content.Security.Policy|Refused to/i.test(text))).toEqual([]);
  });
});

describe('the browser enforces the policy', () => {
  const cases: [Attempt, string, string][] = [
    ['inline-script', 'script-src-elem', 'inline'],
    ['inline-handler', 'script-src-attr', 'inline'],
    ['eval', 'script-src', 'eval'],
    ['new-function', 'script-src', 'eval'],
    ['string-timer', 'script-src', 'eval'],
    ['style-element', 'style-src-elem', 'inline'],
    ['style-attribute', 'style-src-attr', 'inline'],
    ['foreign-script', 'script-src-elem', `${FOREIGN}/evil.js`],
    ['foreign-fetch', 'connect-src', `${FOREIGN}/data.json`],
    ['foreign-image', 'img-src', `${FOREIGN}/pixel.png`],
    ['frame', 'frame-src', '/index.html'],
    ['base', 'base-uri', `${FOREIGN}/`],
    ['form-post', 'form-action', `${FOREIGN}/steal`],
  ];

  it.each(cases)('refuses %s (%s)', async (attempt, directive, blocked) => {
    const { app, reached } = await openWithForeignOrigin();
    const outcome = await attemptInPage(app, attempt);
    expect(outcome.took).toBe(false);
    expect(outcome.violation.effectiveDirective).toBe(directive);
    expect(outcome.violation.disposition).toBe('enforce');
    expect(outcome.violation.originalPolicy).toBe(RENDERER_CSP);
    const blockedUri = blocked.startsWith('/') ? `${app.origin}${blocked}` : blocked;
    expect(outcome.violation.blockedURI).toBe(blockedUri);
    // Refused before any request left the page.
    expect(reached).toEqual([]);
    if (attempt === 'frame') {
      expect(app.page.frames().filter((frame) => frame.url().startsWith(app.origin))).toHaveLength(1);
    }
  });

  it('refuses to be framed by another site (frame-ancestors), so the app never runs there', async () => {
    const app = await e2e.openApp({ navigate: false });
    await app.page.route('http://foreign.invalid/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>foreign</title><iframe src="${app.url}" title="app"></iframe>`,
      }),
    );
    await app.page.goto('http://foreign.invalid/'); // waits for the frame's load, error page included
    const framed = app.page.frames().filter((frame) => frame.parentFrame() !== null);
    expect(framed).toHaveLength(1);
    expect(framed[0]?.url()).not.toContain(app.origin);
    expect(app.ipcLog).toEqual([]);
  });
});
