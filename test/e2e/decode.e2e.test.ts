// The Decode screen end to end: real Chromium on the production build, the real bridge and dispatch,
// a real engine. A Secret the engine minted decodes as vault-verified with its vault key; a raw key
// is checked and found; garbage gets the parser's precise error; an expired Secret reads expired.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { KeywardEngine } from '../../electron/vault/keyward-engine.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { checkA11y, openScreen, saveScreenshot, setupE2e } from '../support/e2e/index.ts';
import { engineInternals } from '../support/engine-internals.ts';

const e2e = setupE2e();
const HOUR_MS = 3_600_000;

/** Opens a screen from the sidebar. */
/** Creates Payments (with an IP ACL) and mints one of its Secrets, as `keyward secret` would. */
async function mintPaymentsSecret(
  engine: KeywardEngine,
  password: string,
): Promise<{ token: string; keyId: string; material: string }> {
  const { integration, key } = engine.createIntegration({
    name: 'Payments',
    platform: 'server',
    ipAcl: ['10.0.0.0/8', '2001:db8::/32'],
  });
  await engine.reauthenticate({ password });
  const secret = await engine.mintSecret(integration.id);
  return { token: secret.token, keyId: key.id, material: engineInternals(engine).lifecycle.material(key.id) };
}

async function paste(page: Page, text: string): Promise<void> {
  await page.getByLabel('Paste a Secret, JWT or API key').fill(text);
}

describe('Decode', () => {
  it('decodes a Secret the vault minted: verified by the vault key, valid, with its vault key, offline', async () => {
    let minted = { token: '', keyId: '', material: '' };
    const app = await e2e.openApp({
      seed: async (engine) => {
        minted = await mintPaymentsSecret(engine, 'e2e master password');
      },
    });
    const { page } = app;
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await openScreen(page, 'Decode');
    await expect.poll(() => page.getByText('Nothing to decode yet').isVisible()).toBe(true);

    await paste(page, minted.token);
    const banner = page.getByTestId('signature-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-status')).toBe('verified-vault');
    expect(await banner.getByRole('heading').textContent()).toBe('Signature verified by this vault’s key');
    expect(await page.getByTestId('validity').getAttribute('data-state')).toBe('valid');
    expect(await page.getByTestId('validity-text').textContent()).toMatch(/^valid for 2[34] h/);

    const vaultKey = page.getByTestId('vault-key');
    expect(await vaultKey.getByTestId('vault-integration').textContent()).toBe('Payments');
    expect(await vaultKey.getByText('Active', { exact: true }).isVisible()).toBe(true);
    expect(await vaultKey.getByTestId('vault-accepted').getAttribute('data-accepted')).toBe('true');
    expect(await vaultKey.getByRole('list', { name: 'Allowed addresses' }).textContent()).toBe(
      '10.0.0.0/82001:db8::/32',
    );
    expect(await vaultKey.getByTestId('key-format').getAttribute('data-valid')).toBe('true');

    // Header and payload as pretty JSON, the client_secret masked; the material is nowhere on the page.
    expect(JSON.parse((await page.getByTestId('decode-header-json').textContent()) ?? '')).toMatchObject({
      alg: 'EdDSA',
      typ: 'JWT',
    });
    const payload = JSON.parse((await page.getByTestId('decode-payload-json').textContent()) ?? '') as Record<
      string,
      unknown
    >;
    expect(payload['key_id']).toBe(minted.keyId);
    expect(payload['client_secret']).toMatch(/^kw_.{5}…$/);
    expect(await page.locator('.decode__result').innerHTML()).not.toContain(minted.material);

    // Registered claims in the UTC setting's format (off: local time with offset; the page is in UTC).
    const claims = page.getByRole('region', { name: 'Validity and claims' });
    expect(await claims.locator('time').first().textContent()).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/,
    );
    expect(await page.getByTestId('decode-summary').textContent()).toMatch(
      /^Token decoded: signature verified by this vault's key; valid for .*; key of Payments, active, accepted now\.$/,
    );

    await checkA11y(page);
    await saveScreenshot(page, 'decode');

    // Offline: nothing but the app's own files was requested while decoding.
    expect(requests.filter((url) => !url.startsWith(app.origin))).toEqual([]);
    const decodeCalls = app.ipcLog.filter(
      (record) => record.kind === 'call' && record.channel === 'decoder.decode',
    );
    expect(decodeCalls.length).toBeGreaterThanOrEqual(1);

    await vaultKey.getByRole('button', { name: 'Show in key table' }).click();
    await page.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();
  });

  it('checks a raw API key offline and finds it in the vault', async () => {
    let material = '';
    const { page } = await e2e.openApp({
      seed: (engine) => {
        const { key } = engine.createIntegration({ name: 'Mobile app', platform: 'mobile', prefix: 'mb_' });
        material = engineInternals(engine).lifecycle.material(key.id);
      },
    });
    await openScreen(page, 'Decode');
    await paste(page, `  ${material}\n`);
    await page.getByTestId('api-key-banner').waitFor();
    expect(await page.getByTestId('api-key-banner').getByRole('heading').textContent()).toBe(
      'An API key of this vault',
    );
    const format = page.getByTestId('key-format');
    expect(await format.getAttribute('data-valid')).toBe('true');
    expect(await format.textContent()).toContain('prefix mb_');
    expect(await page.getByTestId('vault-integration').textContent()).toBe('Mobile app');
    expect(await page.getByTestId('vault-accepted').textContent()).toBe('Accepted now');
    expect(await page.getByTestId('vault-key').getByText('any address').isVisible()).toBe(true);
    expect(await page.locator('.decode__result').innerHTML()).not.toContain(material);

    // One character changed: the checksum no longer matches, and the error says where.
    const last = material.at(-1) === 'A' ? 'B' : 'A';
    await paste(page, `${material.slice(0, -1)}${last}`);
    await page.getByTestId('decode-error').waitFor();
    expect(await page.getByTestId('decode-error').textContent()).toContain('BAD_KEY_CHECKSUM');
    await checkA11y(page);
  });

  it('gives bad input the decoder’s precise error: which segment, which position', async () => {
    const { page } = await e2e.openApp();
    await openScreen(page, 'Decode');

    await paste(page, 'this is not a token');
    const error = page.getByTestId('decode-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('TOKEN_SEGMENT_COUNT');
    expect(await page.getByTestId('decode-error-message').textContent()).toMatch(
      /^Expected 3 dot-separated segments/,
    );

    // A header that decodes, then a payload with a character base64url does not have.
    await paste(page, 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4Iiw*ImV4cCI6MX0.c2ln');
    await expect.poll(() => page.getByTestId('decode-error-segment').textContent()).toBe('segment payload');
    expect(await page.getByTestId('decode-error').textContent()).toContain('TOKEN_NOT_BASE64URL');
    expect(await page.getByTestId('decode-error-position').textContent()).toBe('position 16 in the payload');
    expect(
      await page.getByRole('list', { name: 'Token segments' }).locator('[aria-current="true"]').textContent(),
    ).toBe('payload (the problem is here)');
    expect(await page.getByTestId('decode-summary').textContent()).toMatch(
      /^Cannot decode: the payload is not base64url/,
    );
    await checkA11y(page);

    // Cleared: back to the empty state.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByText('Nothing to decode yet').waitFor();
  });

  it('shows a Secret past its exp as expired, its signature still the vault’s', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 9));
    let token = '';
    const app = await e2e.openApp({
      clock,
      seed: async (engine) => {
        token = (await mintPaymentsSecret(engine, 'e2e master password')).token;
      },
    });
    await app.advanceClock(26 * HOUR_MS);
    await openScreen(app.page, 'Decode');
    await paste(app.page, token);
    await app.page.getByTestId('signature-banner').waitFor();
    expect(await app.page.getByTestId('signature-banner').getAttribute('data-status')).toBe('verified-vault');
    expect(await app.page.getByTestId('validity').getAttribute('data-state')).toBe('expired');
    expect(await app.page.getByTestId('validity-text').textContent()).toBe('expired 2 h ago');
    // The key itself is still the active one, and accepted.
    expect(await app.page.getByTestId('vault-accepted').getAttribute('data-accepted')).toBe('true');
  });
});
