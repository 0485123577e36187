// The bridge end to end: `window.keyward` as the built preload makes it, calls through main's real
// dispatch to a real engine, the sender rule (app origin, main frame, our window), events main sends,
// the real X clipboard behind keys.copy, and key material crossing on keys.reveal only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeywardEngine } from '../../electron/vault/keyward-engine.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { bridgeCall, okValue, rawBridgeCall, REPO_ROOT, setupE2e } from '../support/e2e/index.ts';
import type { E2eApp, PageGlobals } from '../support/e2e/index.ts';
import { engineInternals } from '../support/engine-internals.ts';

const e2e = setupE2e();
const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

/** Creates `count` integrations through the engine (each issues its first key); returns their ids. */
function createIntegrations(engine: KeywardEngine, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => engine.createIntegration({ name: `Integration ${i + 1}`, platform: 'server' }).integration.id,
  );
}

/** The material of every key in the vault right now (test-side only: straight from the engine). */
function allMaterial(engine: KeywardEngine): string[] {
  const { lifecycle } = engineInternals(engine);
  return lifecycle.listKeys().map((key) => lifecycle.material(key.id));
}

/** Starts recording `event` in the page (in `__e2eEvents`); `__e2eOff` stops listening. */
async function recordEvents(app: E2eApp, event: string): Promise<void> {
  await app.page.evaluate((name) => {
    const w = globalThis as unknown as PageGlobals;
    const received: unknown[][] = [];
    w.__e2eEvents = received;
    w.__e2eOff = w.keyward.on(name, (...args: unknown[]) => {
      received.push(args);
    });
  }, event);
}

function recorded(app: E2eApp): Promise<unknown[][]> {
  return app.page.evaluate(() => (globalThis as unknown as PageGlobals).__e2eEvents as unknown[][]);
}

describe('window.keyward', () => {
  it('is the frozen, read-only bridge of the preload: version, call and on, nothing else', async () => {
    const { page } = await e2e.openApp();
    const shape = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      const bridge = w.keyward;
      const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'keyward');
      try {
        (globalThis as Record<string, unknown>)['keyward'] = { call: () => 'forged' };
      } catch {
        // strict-mode assignment to a read-only global: refused either way
      }
      return {
        keys: Object.keys(bridge).sort(),
        frozen: Object.isFrozen(bridge),
        version: bridge.version,
        call: typeof bridge.call,
        on: typeof bridge.on,
        writable: descriptor?.writable,
        configurable: descriptor?.configurable,
        stillTheBridge: w.keyward === bridge,
      };
    });
    expect(shape).toEqual({
      keys: ['call', 'on', 'version'],
      frozen: true,
      version,
      call: 'function',
      on: 'function',
      writable: false,
      configurable: false,
      stillTheBridge: true,
    });
  });

  it('round-trips vault.status, lock and unlock through main to the real engine', async () => {
    const app = await e2e.openApp();
    const { page, engine } = app;
    const status = okValue(await bridgeCall(page, 'vault.status', {}));
    expect(status).toEqual(await engine.vault.status());
    expect(status).toMatchObject({ path: app.vaultPath, exists: true, state: 'unlocked' });

    expect(okValue(await bridgeCall(page, 'vault.lock', {})).state).toBe('locked');
    expect(engine.vault.isUnlocked).toBe(false);
    expect(await bridgeCall(page, 'vault.unlock', { password: 'not the password' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PASSWORD' },
    });
    expect(okValue(await bridgeCall(page, 'vault.unlock', { password: app.password })).state).toBe(
      'unlocked',
    );
    expect(engine.vault.isUnlocked).toBe(true);
  });

  it('answers INVALID_INPUT for input off the contract, without quoting it back', async () => {
    const { page, ipcLog } = await e2e.openApp();
    const secretish = 'kw_live_this_must_not_come_back_'.repeat(40);
    const cases: [string, unknown][] = [
      ['keys.list', { integrationId: 5 }],
      ['vault.status', { extra: true }],
      ['vault.status', 'not an object'],
      ['vault.status', null],
      ['vault.unlock', { password: secretish }],
      ['keys.table', { term: secretish, sort: 'integration', direction: 'asc', offset: -1, limit: 10 }],
      ['decoder.decode', { input: secretish.repeat(60) }],
    ];
    for (const [channel, input] of cases) {
      const result = await rawBridgeCall(page, channel, input);
      expect(result, `${channel} ${JSON.stringify(input).slice(0, 60)}`).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
      expect(JSON.stringify(result)).not.toContain('this_must_not_come_back');
    }
    // Main saw (and refused) every one of them: the bridge passes contract channels through as is.
    const sent = new Set(cases.map(([channel, input]) => `${channel} ${JSON.stringify(input)}`));
    const refusedByMain = ipcLog.filter(
      (record) =>
        record.kind === 'call' &&
        sent.has(`${record.channel} ${JSON.stringify(record.input)}`) &&
        !record.result.ok &&
        record.result.error.code === 'INVALID_INPUT',
    );
    expect(refusedByMain).toHaveLength(cases.length);
  });

  it('answers USAGE for a channel outside the contract, in the bridge, before anything reaches main', async () => {
    const { page, ipcLog } = await e2e.openApp();
    const names = ['keys.steal', 'keys.material', '__proto__', 'toString', 'constructor', '', 7, null];
    for (const channel of names) {
      expect(await rawBridgeCall(page, channel, {})).toEqual({
        ok: false,
        error: { code: 'USAGE', message: 'Unknown IPC channel.' },
      });
    }
    // The app's own calls go on around the test; none of these names is among what reached main.
    expect(ipcLog.filter((record) => record.kind === 'unregistered')).toEqual([]);
    expect(ipcLog.filter((record) => record.kind === 'call' && names.includes(record.channel))).toEqual([]);
  });
});

describe('the sender rule: our window, its main frame, the app origin', () => {
  it('refuses a page on another origin (UNTRUSTED_SENDER), even with the bridge installed', async () => {
    const { page, ipcLog } = await e2e.openApp({ navigate: false });
    await page.route('http://foreign.invalid/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>foreign</title><p>hello</p>' }),
    );
    await page.goto('http://foreign.invalid/');
    expect(await bridgeCall(page, 'vault.status', {})).toMatchObject({
      ok: false,
      error: { code: 'UNTRUSTED_SENDER' },
    });
    expect(ipcLog).toMatchObject([
      {
        kind: 'call',
        channel: 'vault.status',
        sender: { url: 'http://foreign.invalid/', isMainFrame: true },
      },
    ]);
  });

  it('refuses the app itself reached under another host name; the server refuses to serve it too', async () => {
    const app = await e2e.openApp({ navigate: false });
    const otherHost = app.url.replace('127.0.0.1', 'localhost');
    const response = await app.page.goto(otherHost);
    expect(response?.status()).toBe(403);
    expect(response?.headers()['content-security-policy']).toBeTruthy();
    expect(await bridgeCall(app.page, 'vault.status', {})).toMatchObject({
      ok: false,
      error: { code: 'UNTRUSTED_SENDER' },
    });
  });

  it('refuses a subframe on the app origin, while the same page’s main frame is served', async () => {
    // The app's own CSP refuses every frame (csp.e2e.test.ts), so the page that holds one here is
    // served by a test route on the app origin, without that CSP: the worst case main must handle.
    const app = await e2e.openApp({ navigate: false });
    const { page, ipcLog } = app;
    await page.route(`${app.origin}/e2e-host.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><title>host</title><iframe src="/e2e-child.html" title="child"></iframe>',
      }),
    );
    await page.route(`${app.origin}/e2e-child.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>child</title>' }),
    );
    await page.goto(`${app.origin}/e2e-host.html`);
    await page.frameLocator('iframe').locator('body').waitFor({ state: 'attached' });
    const child = page.frames().find((frame) => frame.parentFrame() !== null);
    expect(child?.url()).toBe(`${app.origin}/e2e-child.html`);
    if (child === undefined) {
      return;
    }

    expect(await bridgeCall(child, 'vault.status', {})).toMatchObject({
      ok: false,
      error: { code: 'UNTRUSTED_SENDER' },
    });
    expect((await bridgeCall(page, 'vault.status', {})).ok).toBe(true);
    expect(ipcLog.map((record) => (record.kind === 'call' ? record.sender : null))).toEqual([
      { url: `${app.origin}/e2e-child.html`, isMainFrame: false, isOurWindow: true },
      { url: `${app.origin}/e2e-host.html`, isMainFrame: true, isOurWindow: true },
    ]);
  });
});

describe('events from main', () => {
  it('reach `on` listeners with the payload only, checked against the contract; unsubscribe stops them', async () => {
    const app = await e2e.openApp();
    await recordEvents(app, 'vault.locked');

    await app.emit('vault.locked', { reason: 'test' });
    expect(await recorded(app)).toEqual([[{ reason: 'test' }]]);

    // The engine's own lock goes out the way main wires it (onLock → vault.locked).
    const locked = app.nextEvent('vault.locked');
    app.engine.lock('idle');
    expect(await locked).toEqual({ reason: 'idle' });
    expect(await recorded(app)).toEqual([[{ reason: 'test' }], [{ reason: 'idle' }]]);

    // Off the contract: refused before it reaches the page.
    await expect(app.emit('vault.locked', { reason: 42 } as never)).rejects.toThrow(/does not match/);
    await expect(app.emit('vault.locked', { reason: 'x', extra: 1 } as never)).rejects.toThrow(
      /does not match/,
    );

    await app.page.evaluate(() => ((globalThis as unknown as PageGlobals).__e2eOff as () => void)());
    await app.emit('vault.locked', { reason: 'after unsubscribe' });
    expect(await recorded(app)).toHaveLength(2);
  });

  it('ignores listeners for events outside the contract', async () => {
    const { page } = await e2e.openApp();
    const answer = await page.evaluate(() => {
      const { keyward } = globalThis as unknown as PageGlobals;
      const off = keyward.on('keys.material', () => undefined);
      return { type: typeof off, returns: off() === undefined };
    });
    expect(answer).toEqual({ type: 'function', returns: true });
  });
});

describe('the clipboard main writes', () => {
  it('keys.copy puts the key on the real X clipboard and selection, never in the answer, and clears it', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 12));
    let integrationId = '';
    const app = await e2e.openApp({
      clock,
      seed: (engine) => {
        integrationId = createIntegrations(engine, 1)[0] ?? '';
      },
    });
    const { page, engine } = app;
    const [key] = engine.listKeys(integrationId);
    if (key === undefined) {
      throw new Error('the integration has no key');
    }
    const material = engineInternals(engine).lifecycle.material(key.id);
    await recordEvents(app, 'clipboard.changed');

    expect(await bridgeCall(page, 'keys.copy', { keyId: key.id })).toMatchObject({
      ok: false,
      error: { code: 'REAUTH_REQUIRED' },
    });
    okValue(await bridgeCall(page, 'reauth.password', { password: app.password }));
    const copied = okValue(await bridgeCall(page, 'keys.copy', { keyId: key.id }));
    const clearAt = clock.now() + 30_000;
    expect(copied).toEqual({ targets: ['clipboard', 'selection'], clearAt });
    expect(await app.readClipboard('clipboard')).toBe(material);
    expect(await app.readClipboard('selection')).toBe(material);

    const cleared = app.nextEvent('clipboard.changed', (payload) => payload.kind !== 'copied');
    await app.advanceClock(30_000);
    expect(await cleared).toEqual({ kind: 'cleared', clearAt: null, failed: false });
    expect(await app.readClipboard('clipboard')).not.toBe(material);
    expect(await app.readClipboard('selection')).not.toBe(material);
    expect(await recorded(app)).toEqual([
      [{ kind: 'copied', clearAt, failed: false }],
      [{ kind: 'cleared', clearAt: null, failed: false }],
    ]);
    expect(JSON.stringify(app.ipcLog)).not.toContain(material);
  });

  it('takes the copy back off the clipboard when the vault locks, as main does', async () => {
    let integrationId = '';
    const app = await e2e.openApp({
      seed: (engine) => {
        integrationId = createIntegrations(engine, 1)[0] ?? '';
      },
    });
    const { page, engine } = app;
    okValue(await bridgeCall(page, 'reauth.password', { password: app.password }));
    okValue(await bridgeCall(page, 'secret.copy', { integrationId }));
    const secret = (await app.readClipboard()) ?? '';
    expect(secret).toMatch(/^ey/); // a JWT: the Secret main minted and wrote, never sent to the page
    expect(JSON.stringify(app.ipcLog)).not.toContain(secret);

    const cleared = app.nextEvent('clipboard.changed', (payload) => payload.kind === 'cleared');
    okValue(await bridgeCall(page, 'vault.lock', {}));
    await cleared;
    expect(engine.vault.isUnlocked).toBe(false);
    expect(await app.readClipboard()).not.toBe(secret);
  });
});

describe('key material', () => {
  it('crosses on keys.reveal only: no other answer or event of a whole session carries any', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 12));
    let ids: string[] = [];
    const app = await e2e.openApp({
      clock,
      seed: (engine) => {
        ids = createIntegrations(engine, 3);
        engine.rotate(ids[0] as string);
      },
    });
    const { page, engine } = app;
    const [first = '', second = ''] = ids;
    const keyOf = (integrationId: string) =>
      engineInternals(engine)
        .lifecycle.listKeys(integrationId)
        .find((key) => key.status === 'active')?.id ?? '';
    const material = () => allMaterial(engine);
    const [sample = ''] = material();

    // Everything a session does without reveal, including reading, creating, rotating, testing,
    // copying and decoding a pasted key.
    okValue(await bridgeCall(page, 'vault.status', {}));
    okValue(await bridgeCall(page, 'integrations.get', { integrationId: first }));
    okValue(await bridgeCall(page, 'keys.list', {}));
    okValue(await bridgeCall(page, 'keys.list', { integrationId: first }));
    okValue(
      await bridgeCall(page, 'keys.table', {
        term: '',
        sort: 'integration',
        direction: 'asc',
        offset: 0,
        limit: 50,
      }),
    );
    okValue(
      await bridgeCall(page, 'integrations.create', {
        integration: { name: 'Created in the page', platform: 'web' },
      }),
    );
    okValue(await bridgeCall(page, 'keys.rotate', { integrationId: second }));
    okValue(await bridgeCall(page, 'keys.test', { keyId: keyOf(first) }));
    okValue(await bridgeCall(page, 'decoder.decode', { input: sample }));
    okValue(await bridgeCall(page, 'notices.list', {}));
    okValue(await bridgeCall(page, 'log.list', {}));
    okValue(await bridgeCall(page, 'log.verify', {}));
    okValue(await bridgeCall(page, 'settings.get', {}));
    // A day later: the scheduler runs, the clipboard guard's countdown ends.
    await app.advanceClock(24 * 60 * 60 * 1000);
    expect(await bridgeCall(page, 'keys.reveal', { keyId: keyOf(first) })).toMatchObject({
      ok: false,
      error: { code: 'REAUTH_REQUIRED' },
    });
    okValue(await bridgeCall(page, 'reauth.password', { password: app.password }));
    okValue(await bridgeCall(page, 'reauth.status', {}));
    okValue(await bridgeCall(page, 'keys.copy', { keyId: keyOf(second) }));
    okValue(await bridgeCall(page, 'secret.copy', { integrationId: first }));

    // The one channel that carries it, after the re-authentication above.
    const revealed = okValue(await bridgeCall(page, 'keys.reveal', { keyId: keyOf(first) }));
    expect(revealed.material).toBe(engineInternals(engine).lifecycle.material(keyOf(first)));

    const secrets = material();
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    const leaks = app.ipcLog.flatMap((record) => {
      if (record.kind === 'unregistered' || (record.kind === 'call' && record.channel === 'keys.reveal')) {
        return [];
      }
      const text = JSON.stringify(record.kind === 'call' ? record.result : record.payload);
      const name = record.kind === 'call' ? record.channel : `event ${record.event}`;
      return secrets.filter((secret) => text.includes(secret)).map(() => name);
    });
    expect(leaks).toEqual([]);
    expect(app.ipcLog.filter((record) => record.kind === 'call').length).toBeGreaterThanOrEqual(20);
  });
});
