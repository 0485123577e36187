// The harness's own helpers, on the real app page: axe runs under the app's CSP and fails readably,
// screenshots come in both color schemes, a fake clock moves the page's Date with the engine's, the
// vault states `openApp` offers, and the engine's notices reach the page.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../electron/vault/keys/key-lifecycle.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { makeTempDir } from '../support/temp-vault.ts';
import {
  bridgeCall,
  checkA11y,
  currentColorScheme,
  okValue,
  saveScreenshot,
  setupE2e,
} from '../support/e2e/index.ts';
import type { PageGlobals } from '../support/e2e/index.ts';

const e2e = setupE2e();

describe('checkA11y', () => {
  it('runs axe inside the app under its CSP and lists serious and critical violations readably', async () => {
    const { page, consoleErrors } = await e2e.openApp();
    // Broken on purpose, with only what the CSP allows: an image of our own without alt text and a
    // button without a name.
    await page.evaluate(() => {
      const { document } = globalThis as unknown as PageGlobals;
      const broken = document.createElement('section');
      broken.id = 'e2e-broken';
      const image = document.createElement('img');
      image.setAttribute('src', '/keyward-mark.svg');
      const button = document.createElement('button');
      button.setAttribute('type', 'button');
      broken.append(image, button);
      document.body.append(broken);
    });
    const failure = await checkA11y(page, '#e2e-broken', { colorSchemes: ['dark'] }).then(
      () => new Error('checkA11y passed a broken page'),
      (error: unknown) => error as Error,
    );
    expect(failure.message).toMatch(/serious or critical accessibility violation/);
    expect(failure.message).toMatch(/- \[dark\] image-alt \(critical\): .*\n.*\n\s+#e2e-broken > img — Fix/);
    expect(failure.message).toMatch(/- \[dark\] button-name \(critical\)/);
    // The page is back in the scheme it was in, and axe needed no exception from the CSP.
    expect(await currentColorScheme(page)).toBe('light');
    expect(consoleErrors.filter((text) => /Content.Security.Policy|Refused to/i.test(text))).toEqual([]);

    expect(await checkA11y(page, { include: '#e2e-broken', exclude: '#e2e-broken > *' })).toEqual([]);
  });
});

describe('saveScreenshot', () => {
  it('writes nothing unless KEYWARD_SCREENSHOTS=1, and both color schemes when it does', async () => {
    const { page } = await e2e.openApp({ colorScheme: 'dark' });
    await expect(saveScreenshot(page, 'Not Kebab')).rejects.toThrow(/kebab-case/);
    expect(await saveScreenshot(page, 'first-run', { enabled: false })).toEqual([]);

    const { dir, cleanup } = makeTempDir('keyward-e2e-shots-');
    try {
      const written = await saveScreenshot(page, 'first-run', { dir, enabled: true });
      expect(written).toEqual([`${dir}/first-run-light.png`, `${dir}/first-run-dark.png`]);
      for (const file of written) {
        expect(readFileSync(file).subarray(1, 4).toString('latin1')).toBe('PNG');
      }
      expect(await currentColorScheme(page)).toBe('dark');
    } finally {
      cleanup();
    }
  });
});

describe('openApp', () => {
  it('moves the page’s Date with a fake engine clock', async () => {
    const clock = new FakeClock(Date.UTC(2030, 0, 1, 9));
    const app = await e2e.openApp({ clock });
    const pageNow = () => app.page.evaluate(() => Date.now());
    expect(Math.abs((await pageNow()) - clock.now())).toBeLessThan(60_000);
    await app.advanceClock(3 * DAY_MS);
    expect(Math.abs((await pageNow()) - clock.now())).toBeLessThan(60_000);
    expect(clock.now()).toBe(Date.UTC(2030, 0, 4, 9));
  });

  it('offers a vault that is unlocked, locked, or not there yet', async () => {
    const unlocked = await e2e.openApp({ navigate: false });
    const locked = await e2e.openApp({ vault: 'locked', navigate: false });
    const none = await e2e.openApp({ vault: 'none', navigate: false });
    await Promise.all([unlocked.goto(), locked.goto(), none.goto()]);
    expect(okValue(await bridgeCall(unlocked.page, 'vault.status', {}))).toMatchObject({
      exists: true,
      state: 'unlocked',
    });
    expect(okValue(await bridgeCall(locked.page, 'vault.status', {}))).toMatchObject({
      exists: true,
      state: 'locked',
    });
    expect(okValue(await bridgeCall(none.page, 'vault.status', {}))).toMatchObject({
      exists: false,
      state: 'locked',
    });
    expect(new Set([unlocked.vaultPath, locked.vaultPath, none.vaultPath]).size).toBe(3);
  });

  it('forwards the engine’s notices to the page as they fire (onNotices → notices.fired)', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 12));
    const app = await e2e.openApp({
      clock,
      seed: (engine) => {
        engine.createIntegration({ name: 'Short-lived', platform: 'server', rotationDays: 10 });
      },
    });
    await app.page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      const received: unknown[] = [];
      w.__e2eNotices = received;
      w.keyward.on('notices.fired', (payload) => received.push(payload));
    });
    const fired = app.nextEvent('notices.fired');
    await app.advanceClock(4 * DAY_MS); // the 7-days-before notice was due on day 3
    const { notices } = await fired;
    expect(notices).toMatchObject([{ kind: 'expires-soon', integrationName: 'Short-lived' }]);
    expect(await app.page.evaluate(() => (globalThis as unknown as PageGlobals).__e2eNotices)).toEqual([
      { notices },
    ]);
  });
});
