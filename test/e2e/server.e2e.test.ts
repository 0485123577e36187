// The desktop with a Keyward server (issue 11), end to end: the production renderer in real
// Chromium over main's real dispatch and a real engine on a temp vault, a REAL Keyward server
// started by the test (`keyward-server init`, then the server on loopback), Debian's real nginx in
// front of a real API for the walk-through, and the real X clipboard behind every copy.
// `npx electron-vite build` first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeywardEngine } from '../../electron/vault/keyward-engine.ts';
import { checkA11y, E2E_PASSWORD, openScreen, saveScreenshot, setupE2e } from '../support/e2e/index.ts';
import type { E2eApp } from '../support/e2e/index.ts';
import { engineInternals } from '../support/engine-internals.ts';
import { gatewayAvailable, requestFrom, startEchoApi, startNginx } from '../support/gateways.ts';
import { startTestServer } from '../support/sync-fixtures.ts';
import type { TestServer, TestServerOptions } from '../support/sync-fixtures.ts';
import { selfSignedCert } from '../support/tls-certs.ts';

const e2e = setupE2e();

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

/** A real Keyward server (in-process, fresh SQLite) with a one-time enrolment code, as `init` prints. */
type KeywardUnderTest = TestServer & { enrolmentCode: string };

async function server(options: TestServerOptions = {}): Promise<KeywardUnderTest> {
  const started = await startTestServer('sqlite', options);
  cleanups.push(() => started.cleanup());
  return { ...started, enrolmentCode: await started.code() };
}

async function open(options: Parameters<typeof e2e.openApp>[0] = {}): Promise<E2eApp> {
  const app = await e2e.openApp(options);
  app.page.setDefaultTimeout(10_000);
  return app;
}

// ── locators and steps ──────────────────────────────────────────────────────
const badge = (page: Page) => page.getByTestId('sync-status');
const serverSection = (page: Page) => page.getByTestId('server-section');
const details = (page: Page) => page.locator('aside.details');
const reauthDialog = (page: Page) => page.getByRole('dialog', { name: 'Confirm it is you' });
const keyItems = (panel: Locator) => panel.locator('.key-list > li');

async function reauthenticate(page: Page): Promise<void> {
  const dialog = reauthDialog(page);
  await dialog.waitFor();
  await dialog.getByLabel('Master password').fill(E2E_PASSWORD);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * Waits for `done`, re-authenticating on the way if the app asks (the window stays fresh for a
 * minute after the last one, so whether it asks depends on how fast the steps before ran).
 */
async function reauthenticateIfAsked(page: Page, done: Locator): Promise<void> {
  const dialog = reauthDialog(page);
  await dialog.or(done).first().waitFor();
  if (await dialog.isVisible()) {
    await reauthenticate(page);
  }
  await done.waitFor();
}

/** Settings → Server → Connect, with the re-authentication it asks for; waits for "Up to date". */
async function connect(app: E2eApp, keyward: KeywardUnderTest, deviceName = 'E2E laptop'): Promise<void> {
  const { page } = app;
  await openScreen(page, 'Settings');
  const section = serverSection(page);
  await section.getByLabel('Server address').fill(keyward.base);
  await section.getByLabel('Enrolment code').fill(keyward.enrolmentCode);
  await section.getByLabel('Device name (optional)').fill(deviceName);
  await section.getByRole('button', { name: 'Connect' }).click();
  await reauthenticate(page);
  await section.getByTestId('server-facts').waitFor();
  await badge(page).getByText('Up to date').waitFor();
}

async function openDetails(page: Page, name: string): Promise<Locator> {
  await openScreen(page, 'Keys');
  const panel = details(page);
  const heading = panel.getByRole('heading', { name, level: 2 });
  // A new integration's details open by themselves (over the table's row).
  if (!(await heading.isVisible())) {
    await page.getByRole('grid', { name: 'Keys' }).getByRole('row').filter({ hasText: name }).first().click();
  }
  await heading.waitFor();
  return panel;
}

function keysOf(engine: KeywardEngine, integrationId: string) {
  return engine.listKeys(integrationId);
}

/** Dismisses every toast (before a screenshot). */
async function dismissToasts(page: Page): Promise<void> {
  const buttons = page.locator('.toasts').getByRole('button', { name: 'Dismiss' });
  while ((await buttons.count()) > 0) {
    await buttons.first().click();
  }
}

/** Waits until the engine has published everything (and the badge says so too). */
async function published(app: E2eApp): Promise<void> {
  // The outbox is written in the change's own transaction, so the engine's status cannot say "up to
  // date" before the change went out (the badge might, for a moment, before its event arrives).
  await expect
    .poll(
      () => {
        const { state, waiting } = app.engine.serverStatus();
        return `${state} ${waiting}`;
      },
      { timeout: 10_000, interval: 50 },
    )
    .toBe('up-to-date 0');
  await badge(app.page).getByText('Up to date').waitFor();
}

describe('Settings → Server and the sync status', () => {
  it('connects with a URL and a code (re-authentication asked), shows the server, follows the outbox, and goes offline when the server stops', async () => {
    const keyward = await server();
    const app = await open({
      seed: (engine) => {
        engine.createIntegration({ name: 'Payments', platform: 'server' });
      },
    });
    const { page, engine } = app;
    // No server: no badge.
    expect(await badge(page).count()).toBe(0);

    await openScreen(page, 'Settings');
    const section = serverSection(page);
    // Checked as you type: plain http only on this computer.
    const address = section.getByLabel('Server address');
    await address.fill('http://keys.example.com');
    await section.getByText(/Plain http:\/\/ is allowed only on this computer/).waitFor();
    expect(await address.getAttribute('aria-invalid')).toBe('true');
    await address.fill(keyward.base);
    expect(await address.getAttribute('aria-invalid')).toBeNull();
    await section.getByLabel('Enrolment code').fill('ABC');
    await section.getByText(/An enrolment code is 20 letters and digits/).waitFor();
    await section.getByLabel('Enrolment code').fill(keyward.enrolmentCode);
    await section.getByLabel('Device name (optional)').fill('E2E laptop');
    await checkA11y(page, '[data-testid="server-section"]');
    await section.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'settings-server-connect');

    await section.getByRole('button', { name: 'Connect' }).click();
    await reauthenticate(page);
    const facts = section.getByTestId('server-facts');
    await facts.waitFor();
    expect(await facts.textContent()).toContain(keyward.base);
    expect(await facts.textContent()).toContain('E2E laptop');
    await badge(page).getByText('Up to date').waitFor();
    const status = engine.serverStatus();
    expect(status.state).toBe('up-to-date');
    expect(status.server?.revision).not.toBeNull();
    expect(await facts.textContent()).toContain(`Revision${status.server?.revision ?? ''}`);
    // The connect asked main once, was told to re-authenticate, and went through.
    const connects = app.ipcLog.flatMap((record) =>
      record.kind === 'call' && record.channel === 'server.connect'
        ? [record.result.ok ? 'ok' : record.result.error.code]
        : [],
    );
    expect(connects).toEqual(['REAUTH_REQUIRED', 'ok']);
    await checkA11y(page);
    await dismissToasts(page);
    await section.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'settings-server');

    // A change goes out: the badge says "2 changes waiting", then "Up to date" again, live from
    // sync.status (every text the badge shows is recorded in the page, so a short-lived one counts).
    await page.evaluate(() => {
      const seen: string[] = [];
      const doc = (
        globalThis as unknown as {
          document: { body: object; querySelector(s: string): { textContent: string | null } | null };
        }
      ).document;
      const record = () => {
        const text = doc.querySelector('[data-testid="sync-status"] .sync-status__text')?.textContent ?? '';
        if (seen.at(-1) !== text) {
          seen.push(text);
        }
      };
      const Observer = (
        globalThis as unknown as {
          MutationObserver: new (fn: () => void) => { observe(target: object, options: object): void };
        }
      ).MutationObserver;
      new Observer(record).observe(doc.body, { subtree: true, childList: true, characterData: true });
      (globalThis as unknown as { badgeTexts: string[] }).badgeTexts = seen;
    });
    const waiting = app.nextEvent('sync.status', (next) => next.state === 'waiting' && next.waiting >= 1);
    const upToDate = app.nextEvent('sync.status', (next) => next.state === 'up-to-date');
    engine.createIntegration({ name: 'Orders', platform: 'web' });
    await waiting;
    await upToDate;
    await published(app);
    const shown = await page.evaluate(() => (globalThis as unknown as { badgeTexts: string[] }).badgeTexts);
    // The integration and its first key: two changes.
    expect(shown.slice(-2)).toEqual(['2 changes waiting', 'Up to date']);

    // The server goes away: a change waits, and the badge says offline with the reason.
    await keyward.stop();
    engine.createIntegration({ name: 'Shipping', platform: 'web' });
    await section.getByRole('button', { name: 'Publish now' }).click();
    await badge(page)
      .getByText(/^Offline — /)
      .waitFor();
    expect(engine.serverStatus()).toMatchObject({ state: 'offline' });
    expect(engine.serverStatus().waiting).toBeGreaterThanOrEqual(1);
    await checkA11y(page, '.topbar');
    // Test, with the server away: it runs locally instead, and says why.
    const payments = await openDetails(page, 'Payments');
    const paymentsKey = keyItems(payments).first();
    await paymentsKey.getByRole('button', { name: /^Test key / }).click();
    await paymentsKey
      .getByTestId('key-test-result')
      .getByText(
        /Verifies: accepted now · checked locally, in this vault \(the server could not be reached\) at/,
      )
      .waitFor();
    await openScreen(page, 'Settings');

    // Back: Publish now drains the outbox.
    await keyward.restart();
    await section.getByRole('button', { name: 'Publish now' }).click();
    await published(app);
    expect(engine.serverStatus()).toMatchObject({ state: 'up-to-date', waiting: 0 });

    // Disconnect asks first; then the badge goes and the form is back.
    await section.getByRole('button', { name: 'Disconnect…' }).click();
    const confirm = page.getByRole('alertdialog', { name: /^Disconnect from / });
    await confirm.waitFor();
    await checkA11y(page);
    await confirm.getByRole('button', { name: 'Disconnect' }).click();
    await section.getByLabel('Server address').waitFor();
    await badge(page).waitFor({ state: 'detached' });
    expect(engine.serverStatus().state).toBe('not-connected');
  }, 90_000);
});

describe('Settings → Server: a pinned certificate, grace and rate limit from the desktop', () => {
  it('pins the certificate chosen in the open dialog: another one is refused as untrusted, the right one connects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-e2e-tls-'));
    cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const real = selfSignedCert(dir, 'keyward-server');
    const other = selfSignedCert(dir, 'someone-else');
    const keyward = await server({ https: { cert: real.cert, key: real.key } });
    const app = await open();
    const { page, engine } = app;
    await openScreen(page, 'Settings');
    const section = serverSection(page);
    await section.getByLabel('Server address').fill(keyward.base);
    await section.getByLabel('Enrolment code').fill(keyward.enrolmentCode);

    // Cancelled: nothing is pinned. Then the wrong certificate: pinned, but the server's differs.
    app.answerOpenDialog(null);
    await section.getByRole('button', { name: 'Pin a certificate…' }).click();
    await expect
      .poll(
        () => app.ipcLog.filter((e) => e.kind === 'call' && e.channel === 'server.chooseCertificate').length,
        { timeout: 10_000 },
      )
      .toBe(1);
    expect(await section.getByTestId('pinned-certificate').count()).toBe(0);
    app.answerOpenDialog(other.certPath);
    await section.getByRole('button', { name: 'Pin a certificate…' }).click();
    await section
      .getByTestId('pinned-certificate')
      .getByText(/someone-else/)
      .waitFor();
    await section.getByRole('button', { name: 'Connect' }).click();
    await reauthenticateIfAsked(
      page,
      section.getByRole('alert').filter({
        hasText: /^The certificate of 127\.0\.0\.1:\d+ does not match the pinned certificate/,
      }),
    );
    // The pin is compared first: the words name both fingerprints, not a CA verdict.
    const alert = await section.getByRole('alert').innerText();
    expect(alert).toContain(`presents SHA-256 ${real.sha256}`);
    expect(alert).toContain(`the pin is SHA-256 ${other.sha256}`);
    expect(engine.serverStatus().state).toBe('not-connected');
    const refusals = app.ipcLog.flatMap((e) =>
      e.kind === 'call' && e.channel === 'server.connect' && !e.result.ok ? [e.result.error.code] : [],
    );
    expect(refusals.at(-1)).toBe('SERVER_UNTRUSTED');
    // The renderer never saw a path or a PEM.
    const crossed = JSON.stringify(
      app.ipcLog.filter((e) => e.kind === 'call' && e.channel.startsWith('server.')),
    );
    expect(crossed).not.toContain(dir);
    expect(crossed).not.toContain('BEGIN CERTIFICATE');

    app.answerOpenDialog(real.certPath);
    await section.getByRole('button', { name: 'Choose another…' }).click();
    await section
      .getByTestId('pinned-certificate')
      .getByText(/keyward-server/)
      .waitFor();
    await checkA11y(page, '[data-testid="server-section"]');
    await section.getByRole('button', { name: 'Connect' }).click();
    await reauthenticateIfAsked(page, section.getByTestId('server-facts'));
    await badge(page).getByText('Up to date').waitFor();
    const pin = engine.serverStatus().server?.pinnedCertSha256 ?? '';
    expect(pin).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/);
    await section.getByTestId('server-facts').getByText(`Pinned SHA-256 ${pin}`).waitFor();
  }, 60_000);

  it('a grace key nobody calls offers "End grace now" in the usage panel; a rate limit set in the form is enforced by the server', async () => {
    const keyward = await server();
    const app = await open({
      // Times in ISO 8601 UTC: the usage panel follows the setting like every screen.
      settings: { utc: true },
      seed: (engine) => {
        const { integration } = engine.createIntegration({ name: 'Billing', platform: 'server' });
        engine.rotate(integration.id);
      },
    });
    const { page, engine } = app;
    await connect(app, keyward);
    const panel = await openDetails(page, 'Billing');
    const usage = panel.getByTestId('usage-panel');
    const integrationId = engine.listIntegrations()[0]?.id ?? '';
    const grace = engine.listKeys(integrationId).find((key) => key.status === 'grace');
    await usage
      .getByText(/^As of \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, from the server's request log\.$/)
      .waitFor();
    const graceUsage = usage.getByTestId('usage-grace');
    await graceUsage.getByText(/0 calls in the last 24 h\. No calls for a day/).waitFor();
    await checkA11y(page, 'aside.details');
    await graceUsage.getByRole('button', { name: `End grace now for key ${grace?.masked ?? ''}` }).click();
    const confirm = page.getByRole('alertdialog', {
      name: `End the grace period of key ${grace?.masked ?? ''}`,
    });
    await confirm.getByRole('button', { name: 'End grace now' }).click();
    await reauthenticateIfAsked(page, page.getByText(/^Ended the grace period of a key of Billing/));
    expect(engine.listKeys(integrationId).find((key) => key.id === grace?.id)?.status).toBe('revoked');

    // A rate limit: 2 requests a minute, shown in the facts and enforced by the server.
    await panel.getByRole('button', { name: 'Edit…' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Billing' });
    await edit.getByRole('checkbox', { name: /Limit the request rate/ }).check();
    await edit.getByLabel('Requests').fill('0');
    await edit.getByText('Requests must be a whole number from 1 to 1,000,000.').waitFor();
    await edit.getByLabel('Requests').fill('2');
    await edit.getByLabel('Per (seconds)').fill('60');
    await checkA11y(page);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await panel.getByText('2 requests per minute').waitFor();
    await published(app);
    const active = engine.listKeys(integrationId).find((key) => key.status === 'active');
    const material = engineInternals(engine).lifecycle.material(active?.id ?? '');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await fetch(`${keyward.base}/v1/verify`, { headers: { 'x-api-key': material } })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 429]);
  }, 60_000);
});

describe.skipIf(!gatewayAvailable('nginx'))('desktop → server → nginx walk-through', () => {
  it('create and copy a key, verify through nginx, revoke with grace, end grace, IP allow list, Secret only, and the usage shows up', async () => {
    const keyward = await server({ trustedProxies: ['127.0.0.1/32'] });
    const api = await startEchoApi();
    cleanups.push(() => api.close());
    const nginx = await startNginx({ verifyPort: keyward.port, apiPort: api.port });
    cleanups.push(() => nginx.close());
    const app = await open();
    const { page, engine } = app;
    const through = (
      credential: string,
      from = '127.0.3.10',
      header: 'x-api-key' | 'authorization' = 'x-api-key',
    ) =>
      requestFrom(`${nginx.base}/orders`, {
        from,
        headers: { [header]: header === 'authorization' ? `Bearer ${credential}` : credential },
      });
    await connect(app, keyward);

    // 1. Create an integration and copy its key (the real X clipboard).
    await openScreen(page, 'Keys');
    await page
      .getByRole('button', { name: /New integration/ })
      .first()
      .click();
    const form = page.getByRole('dialog', { name: 'New integration' });
    await form.getByLabel('Name').fill('Orders API');
    await form.getByRole('button', { name: 'Create integration' }).click();
    const created = page.getByRole('dialog', { name: 'Orders API is ready' });
    await created.getByRole('button', { name: 'Copy key' }).click();
    await reauthenticateIfAsked(
      page,
      page.getByTestId('clipboard-countdown').getByText(/^Key of Orders API copied/),
    );
    const firstKey = (await app.readClipboard()) ?? '';
    expect(firstKey).toMatch(/^kw_/);
    await created.getByRole('button', { name: 'Done' }).click();
    await published(app);

    // 2. It verifies through nginx.
    const first = await through(firstKey);
    expect(first.status, nginx.logs()).toBe(200);
    expect(first.headers['x-from']).toBe('echo-api');

    // 3. Revoke with grace: a new key; both verify.
    const panel = await openDetails(page, 'Orders API');
    await panel.getByRole('button', { name: 'Revoke…' }).click();
    const revoke = page.getByRole('alertdialog', { name: 'Revoke the key of Orders API' });
    await revoke.getByLabel('Grace period for the old key (days)').fill('3');
    await revoke.getByRole('button', { name: 'Revoke with grace' }).click();
    await reauthenticateIfAsked(page, page.getByText(/^Revoked the key of Orders API/));
    await revoke.waitFor({ state: 'detached' });
    await published(app);
    const integrationId = engine.listIntegrations()[0]?.id ?? '';
    const active = keysOf(engine, integrationId).find((key) => key.status === 'active');
    const grace = keysOf(engine, integrationId).find((key) => key.status === 'grace');
    await panel.getByRole('button', { name: `Copy key ${active?.masked ?? ''}` }).click();
    await reauthenticateIfAsked(
      page,
      page.getByTestId('clipboard-countdown').getByText(/^Key of Orders API copied/),
    );
    const secondKey = (await app.readClipboard()) ?? '';
    expect(secondKey).not.toBe(firstKey);
    expect((await through(secondKey)).status).toBe(200);
    expect((await through(firstKey)).status).toBe(200);

    // Test asks the server, and says so.
    const activeItem = keyItems(panel).filter({ hasText: active?.masked ?? '' });
    await activeItem.getByRole('button', { name: `Test key ${active?.masked ?? ''}` }).click();
    await activeItem
      .getByTestId('key-test-result')
      .getByText(/Verifies: accepted now · checked by the server at/)
      .waitFor();

    // During grace the usage panel shows the old key's last call and its calls in the last 24 h;
    // it was called twice today, so "End grace now" is not offered there yet.
    const usage = panel.getByTestId('usage-panel');
    const refreshUsage = async () => {
      await usage.getByRole('button', { name: 'Refresh' }).click();
      await usage.getByRole('button', { name: 'Refresh' }).waitFor();
    };
    await expect
      .poll(
        async () => {
          await refreshUsage();
          return (await usage.getByTestId('usage-grace').textContent()) ?? '';
        },
        { timeout: 10_000, interval: 300 },
      )
      .toMatch(
        /Old key, still accepted: last call \d{4}-\d\d-\d\dT[\d:]+(?:Z|[+-]\d\d:\d\d) · 2 calls in the last 24 h\./,
      );
    expect(await usage.getByRole('button', { name: /^End grace now for key/ }).count()).toBe(0);

    // 4. End grace: the old key gets 401.
    const graceItem = keyItems(panel).filter({ hasText: grace?.masked ?? '' });
    await graceItem.getByRole('button', { name: `End grace now key ${grace?.masked ?? ''}` }).click();
    const endGrace = page.getByRole('alertdialog', { name: /^End the grace period of key / });
    await endGrace.getByRole('button', { name: 'End grace now' }).click();
    await reauthenticateIfAsked(page, page.getByText(/^Ended the grace period of a key of Orders API/));
    await endGrace.waitFor({ state: 'detached' });
    await published(app);
    const ended = await through(firstKey);
    expect(ended.status).toBe(401);
    expect(ended.headers['x-keyward-code']).toBe('KEY_REVOKED');

    // 5. An IP allow list: from outside it, 403; the key test "as if from" says the same.
    await panel.getByRole('button', { name: 'Edit…' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Orders API' });
    await edit.getByLabel('IP allow list').fill('127.0.3.10/32');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await published(app);
    expect((await through(secondKey, '127.0.3.10')).status).toBe(200);
    const fenced = await through(secondKey, '127.0.3.99');
    expect(fenced.status).toBe(403);
    expect(fenced.headers['x-keyward-code']).toBe('IP_NOT_ALLOWED');
    await activeItem.getByRole('button', { name: `Test from IP… key ${active?.masked ?? ''}` }).click();
    await activeItem.getByLabel('Test as if the call came from').fill('127.0.3.99');
    await activeItem.getByRole('button', { name: 'Test from this IP' }).click();
    await activeItem
      .getByTestId('key-test-result')
      .getByText(/Refused: .*allow list · checked by the server, as if from 127\.0\.3\.99 at/)
      .waitFor();

    // 6. Secret only: the raw key gets 401, a Secret (copied in the app) 200.
    await panel.getByRole('button', { name: 'Edit…' }).click();
    await edit.getByRole('radio', { name: /Secret only/ }).check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await published(app);
    const raw = await through(secondKey);
    expect(raw.status).toBe(401);
    expect(raw.headers['x-keyward-code']).toBe('SECRET_REQUIRED');
    await panel.getByRole('button', { name: 'Copy Secret' }).click();
    await reauthenticateIfAsked(
      page,
      page.getByTestId('clipboard-countdown').getByText(/^Secret for Orders API copied/),
    );
    const secret = (await app.readClipboard()) ?? '';
    expect(secret.split('.')).toHaveLength(3);
    // The first Secret made the vault's signing key, whose public half is published right after.
    await published(app);
    await expect
      .poll(
        async () => {
          const signed = await through(secret, '127.0.3.10', 'authorization');
          return `${signed.status} ${signed.body.slice(0, 120)}`;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toMatch(/^200 /);

    // 7. The usage shows up in the desktop: recent calls with IP and outcome, the sparkline.
    await expect
      .poll(
        async () => {
          await refreshUsage();
          return usage.getByTestId('usage-recent').getByText('Refused — Secret required').count();
        },
        { timeout: 10_000, interval: 500 },
      )
      .toBeGreaterThan(0);
    const recent = usage.getByTestId('usage-recent');
    await recent.getByText('Refused — key revoked').first().waitFor();
    await recent.getByText('Refused — IP not allowed').first().waitFor();
    await recent.getByText('127.0.3.99').first().waitFor();
    // Alike calls within a second are one row (× N), so rows are not calls: the sparkline counts them.
    expect(await recent.getByText('Accepted').count()).toBeGreaterThanOrEqual(1);
    const sparkline = usage.getByTestId('usage-key').filter({ hasText: active?.masked ?? '' });
    const accepted = /^(\d+) accepted calls? in the last 30 days/.exec(
      (await sparkline.getByTestId('usage-sparkline-text').textContent()) ?? '',
    );
    expect(Number(accepted?.[1])).toBeGreaterThanOrEqual(3);
    await checkA11y(page, 'aside.details');
    await dismissToasts(page);
    await usage.getByRole('heading', { name: 'Recent calls' }).scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'usage-panel');
  }, 120_000);
});
