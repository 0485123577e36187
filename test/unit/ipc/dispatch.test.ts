import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createDispatch, trustedSenderFor } from '../../../electron/main/ipc/dispatch.ts';
import type { Handlers, IpcSender } from '../../../electron/main/ipc/dispatch.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { createLogger, MemoryLogSink } from '../../../shared/log/logger.ts';
import { CHANNELS } from '../../../shared/ipc/channels.ts';
import { contract } from '../../../shared/ipc/contract.ts';
import type { IpcResult } from '../../../shared/ipc/contract.ts';

const ORIGIN = 'app://keyward';
const TRUSTED: IpcSender = { url: `${ORIGIN}/index.html`, isMainFrame: true, isOurWindow: true };
const PASSWORD = 'correct horse battery staple';

const key = {
  id: 'k1',
  integrationId: 'i1',
  masked: 'kw_abcde…',
  status: 'active' as const,
  createdAt: 1,
  expiresAt: null,
  graceEndsAt: null,
  endedAt: null,
  lastUsedAt: null,
  replacedBy: null,
};

/** Every handler throws unless the test replaces it. */
function fakeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const all = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      vi.fn(() => Promise.reject(new KeywardError('VAULT_LOCKED', 'locked'))),
    ]),
  ) as unknown as Handlers;
  return { ...all, ...overrides };
}

function dispatchWith(overrides: Partial<Handlers> = {}) {
  const handlers = fakeHandlers(overrides);
  return { handlers, dispatch: createDispatch({ handlers, isTrustedSender: trustedSenderFor(ORIGIN) }) };
}

function errorOf(result: IpcResult<unknown>) {
  expect(result.ok).toBe(false);
  return result.ok ? { code: '', message: '' } : result.error;
}

describe('the contract', () => {
  it('lists the same channels as the preload name list', () => {
    expect(Object.keys(contract).sort()).toEqual([...CHANNELS].sort());
  });
});

describe('dispatch', () => {
  it('calls the handler with the parsed input and returns its value', async () => {
    const rotate = vi.fn(() => Promise.resolve(key));
    const { dispatch } = dispatchWith({ 'keys.rotate': rotate });
    expect(await dispatch('keys.rotate', { integrationId: 'i1' }, TRUSTED)).toEqual({ ok: true, value: key });
    expect(rotate).toHaveBeenCalledWith({ integrationId: 'i1' });
  });

  it('bad input: INVALID_INPUT naming the field, never echoing the value', async () => {
    const { dispatch, handlers } = dispatchWith();
    const long = `${PASSWORD}${'x'.repeat(1100)}`;
    const error = errorOf(await dispatch('vault.create', { password: long, remember: 'yes' }, TRUSTED));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/password|remember/);
    expect(error.message).not.toContain(PASSWORD);
    const extra = errorOf(await dispatch('reauth.password', { password: PASSWORD, pin: PASSWORD }, TRUSTED));
    expect(extra.code).toBe('INVALID_INPUT');
    expect(extra.message).not.toContain(PASSWORD);
    const missing = errorOf(await dispatch('keys.revoke', { integrationId: 'i1', graceDays: 99 }, TRUSTED));
    expect(missing.message).toContain('graceDays');
    expect(handlers['vault.create']).not.toHaveBeenCalled();
    expect(handlers['reauth.password']).not.toHaveBeenCalled();
  });

  it.each([
    ['a foreign origin', { ...TRUSTED, url: 'https://evil.example/index.html' }],
    ['a look-alike origin', { ...TRUSTED, url: 'app://keyward.evil/index.html' }],
    ['a subframe', { ...TRUSTED, isMainFrame: false }],
    ['another window', { ...TRUSTED, isOurWindow: false }],
    ['an empty url', { ...TRUSTED, url: '' }],
  ])('refuses %s without calling the handler', async (_label, sender) => {
    const status = vi.fn(() => Promise.reject(new Error('must not run')));
    const { dispatch } = dispatchWith({ 'vault.status': status });
    expect(errorOf(await dispatch('vault.status', {}, sender)).code).toBe('UNTRUSTED_SENDER');
    expect(status).not.toHaveBeenCalled();
  });

  it('refuses an unknown channel, including prototype names', async () => {
    const { dispatch } = dispatchWith();
    for (const channel of ['keys.steal', '__proto__', 'constructor', 'toString', 42, null]) {
      expect(errorOf(await dispatch(channel, {}, TRUSTED)).code).toBe('USAGE');
    }
  });

  it('a handler throwing a plain Error: generic INTERNAL, no message, no stack', async () => {
    const { dispatch } = dispatchWith({
      'settings.get': () => Promise.reject(new Error(`boom ${PASSWORD} at /secret/path.ts:1`)),
    });
    const error = errorOf(await dispatch('settings.get', {}, TRUSTED));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toMatch(/^An unexpected internal error occurred\. Error id [0-9a-f]{12}: /);
    expect(error.message).not.toContain('boom');
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain('/secret/path.ts');
  });

  it('an internal error: the user sees an error id, and the log has that id with the details (redacted)', async () => {
    const material = `kw_${'A'.repeat(49)}`;
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJrd19BQUFBIn0.c2lnbmF0dXJl';
    const sink = new MemoryLogSink();
    const handlers = fakeHandlers({
      'settings.get': () => Promise.reject(new TypeError(`cannot read ${material} from ${jwt}`)),
    });
    const dispatch = createDispatch({
      handlers,
      isTrustedSender: trustedSenderFor(ORIGIN),
      logger: createLogger({ sink }),
    });
    const first = errorOf(await dispatch('settings.get', {}, TRUSTED));
    const second = errorOf(await dispatch('settings.get', {}, TRUSTED));
    const idOf = (message: string) => /Error id ([0-9a-f]{12})/.exec(message)?.[1];
    const id = idOf(first.message);
    expect(id).toBeDefined();
    expect(idOf(second.message)).not.toBe(id); // a fresh id per error
    const record = sink.records.find((entry) => entry.fields['errorId'] === id);
    expect(record).toMatchObject({
      level: 'error',
      fields: { channel: 'settings.get', error: { name: 'TypeError' } },
    });
    const logged = JSON.stringify(record);
    expect(logged).toContain('cannot read kw_AAAAA…'); // the details, masked
    expect(logged).toContain('dispatch.test.ts'); // with the stack
    expect(logged).not.toContain(material);
    expect(logged).not.toContain(jwt);
    expect(first.message).not.toContain('cannot read');
  });

  it('a KeywardError is not an internal error: no id, nothing logged above debug', async () => {
    const sink = new MemoryLogSink();
    const dispatch = createDispatch({
      handlers: fakeHandlers(),
      isTrustedSender: trustedSenderFor(ORIGIN),
      logger: createLogger({ sink }),
    });
    expect(errorOf(await dispatch('settings.get', {}, TRUSTED))).toEqual({
      code: 'VAULT_LOCKED',
      message: 'locked',
    });
    expect(sink.records).toEqual([]);
  });

  it('a KeywardError keeps its code and message', async () => {
    const { dispatch } = dispatchWith({
      'keys.reveal': () => Promise.reject(new KeywardError('REAUTH_REQUIRED', 'Confirm it is you first.')),
    });
    expect(errorOf(await dispatch('keys.reveal', { keyId: 'k1' }, TRUSTED))).toEqual({
      code: 'REAUTH_REQUIRED',
      message: 'Confirm it is you first.',
    });
  });

  it('output validation: a handler returning a field the contract lacks fails loudly instead of leaking', async () => {
    const material = 'kw_' + 'A'.repeat(49);
    const { dispatch } = dispatchWith({
      'keys.rotate': () => Promise.resolve({ ...key, material }),
      'keys.list': () => Promise.resolve([{ ...key, masked: 7 }] as unknown as (typeof key)[]),
    });
    const leaked = await dispatch('keys.rotate', { integrationId: 'i1' }, TRUSTED);
    expect(errorOf(leaked).code).toBe('INTERNAL');
    expect(errorOf(leaked).message).toMatch(/Error id [0-9a-f]{12}/);
    expect(JSON.stringify(leaked)).not.toContain(material);
    expect(errorOf(await dispatch('keys.list', {}, TRUSTED)).code).toBe('INTERNAL');
  });

  it('fuzz: random channel/payload/sender → always a typed IpcResult, never a throw', async () => {
    const { dispatch } = dispatchWith();
    const channel = fc.oneof(fc.constantFrom(...CHANNELS), fc.string(), fc.anything());
    const sender = fc.oneof(
      fc.constant(TRUSTED),
      fc.record({
        url: fc.oneof(fc.webUrl(), fc.string()),
        isMainFrame: fc.boolean(),
        isOurWindow: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        channel,
        fc.anything({ withObjectString: true, withNullPrototype: true }),
        sender,
        async (c, p, s) => {
          const result = await dispatch(c, p, s);
          expect(typeof result.ok).toBe('boolean');
          if (!result.ok) {
            expect(Object.keys(result.error).sort()).toEqual(['code', 'message']);
            expect(typeof result.error.code).toBe('string');
            expect(result.error.message).not.toMatch(/\n\s+at /);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('error messages mask key material before they are cut (issue 10 §3.6)', () => {
  const apiKey = `kw_${'A1b2C3d4E5'.repeat(4)}${'f6G7h8J9k'}`; // key-shaped: prefix + 49 base62
  const body = apiKey.slice(3);

  it('a key near the end of a long message is masked, not cut into an unmasked half', async () => {
    const { dispatch } = dispatchWith({
      'settings.get': () => Promise.reject(new KeywardError('NOT_FOUND', `${'x'.repeat(470)} ${apiKey}`)),
    });
    const error = errorOf(await dispatch('settings.get', {}, TRUSTED));
    expect(error.message).not.toContain(body.slice(0, 12));
  });

  it('a key pasted as an unknown field name never comes back in the INVALID_INPUT message', async () => {
    const { dispatch } = dispatchWith();
    const error = errorOf(await dispatch('settings.set', { patch: { [apiKey]: 1 } }, TRUSTED));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).not.toContain(body.slice(0, 12));
  });
});
