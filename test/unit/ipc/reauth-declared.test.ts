import { afterEach, describe, expect, it } from 'vitest';
import { createDispatch, trustedSenderFor } from '../../../electron/main/ipc/dispatch.ts';
import type { IpcSender } from '../../../electron/main/ipc/dispatch.ts';
import { createEngineHandlers } from '../../../electron/main/ipc/engine-handlers.ts';
import { ClipboardGuard } from '../../../electron/vault/clipboard/clipboard-guard.ts';
import { GUARDED_ACTIONS, GUARDED_WITHOUT_CHANNEL } from '../../../shared/domain/reauth.ts';
import { CHANNELS, needsReauthHandling, REAUTH_CHANNELS } from '../../../shared/ipc/channels.ts';
import { reauthActions } from '../../../shared/ipc/contract.ts';
import type { Channel, InputArg, IpcResult } from '../../../shared/ipc/contract.ts';
import { createTestEngine } from '../../support/temp-engine.ts';
import { MemoryClipboard } from '../vault/clipboard/memory-clipboard.ts';

// Which channels need re-authentication is declared in the contract (`reauth`), and the renderer
// re-authenticates and retries on exactly those. This test calls EVERY channel, on a real engine
// whose re-authentication has gone stale, with an input that reaches the engine's guard when the
// operation has one (never-expire on, a weakening setting, …): a channel that answers
// REAUTH_REQUIRED must be declared (else the desktop shows a bare error), a declared one must answer
// it, a denial the engine logs must name one of the actions declared, and after one
// `reauth.password` the same call goes through.

const ORIGIN = 'app://keyward';
const SENDER: IpcSender = { url: `${ORIGIN}/index.html`, isMainFrame: true, isOurWindow: true };
const PASSWORD = 'reauth declaration test';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

/** What a probe may look up: the integrations made for it and the current keys. */
interface ProbeContext {
  billing: string;
  doomed: string;
  password: () => string;
  activeKeyId: () => Promise<string>;
}

/**
 * One input per channel (a new channel without a probe is a compile error), chosen to pass
 * validation and reach the operation's re-authentication guard if it has one. In run order: what
 * locks the vault or changes the password comes last.
 */
const PROBES: { [C in Channel]: (context: ProbeContext) => InputArg<C> | Promise<InputArg<C>> } = {
  'vault.status': () => ({}),
  'app.activity': () => ({}),
  'reauth.status': () => ({}),
  'reauth.totp': () => ({ code: '000000' }),
  'totp.enrollBegin': () => ({}),
  'totp.enrollConfirm': () => ({ code: '000000' }),
  'totp.disable': () => ({}),
  'integrations.get': ({ billing }) => ({ integrationId: billing }),
  'integrations.create': () => ({
    integration: { name: 'Forever', platform: 'server', neverExpire: true },
    confirmNeverExpire: true,
  }),
  'integrations.edit': ({ billing }) => ({ integrationId: billing, patch: { notes: 'probe' } }),
  'integrations.setEnabled': ({ billing }) => ({ integrationId: billing, enabled: true }),
  'integrations.setNeverExpire': ({ billing }) => ({
    integrationId: billing,
    neverExpire: true,
    confirmed: true,
  }),
  'integrations.delete': ({ doomed }) => ({ integrationId: doomed, confirmed: true }),
  'keys.list': () => ({}),
  'keys.table': () => ({ term: '', sort: 'integration', direction: 'asc', offset: 0, limit: 10 }),
  'keys.test': async ({ activeKeyId }) => ({ keyId: await activeKeyId() }),
  'keys.reveal': async ({ activeKeyId }) => ({ keyId: await activeKeyId() }),
  'keys.copy': async ({ activeKeyId }) => ({ keyId: await activeKeyId() }),
  'secret.copy': ({ billing }) => ({ integrationId: billing }),
  'keys.rotate': ({ billing }) => ({ integrationId: billing }),
  'keys.revoke': ({ billing }) => ({ integrationId: billing, graceDays: 1, newLifetimeDays: 30 }),
  'keys.regenerate': ({ billing }) => ({ integrationId: billing }),
  'keys.delete': async ({ activeKeyId }) => ({ keyId: await activeKeyId() }),
  'keys.endGrace': async ({ activeKeyId }) => ({ keyId: await activeKeyId() }),
  'decoder.decode': () => ({ input: 'not a token' }),
  'decoder.trust': () => ({ text: 'not a key' }),
  'decoder.trustedKeys': () => ({}),
  'decoder.forgetTrusted': () => ({}),
  'notices.list': () => ({}),
  'notices.markRead': () => ({ all: true }),
  'log.list': () => ({ limit: 5 }),
  'log.verify': () => ({}),
  'settings.get': () => ({}),
  // Every protection weakened at once: whichever of them the engine guards, the probe reaches it.
  'settings.set': () => ({
    patch: {
      autoLockMinutes: 0,
      clipboardClearSeconds: null,
      reauthWindowSeconds: 900,
      secretLifetimeHours: 168,
    },
  }),
  'backup.list': () => ({}),
  'backup.now': () => ({}),
  'log.export': () => ({ format: 'json' }),
  'jwks.export': () => ({}),
  'vault.export': () => ({}),
  'server.status': () => ({}),
  'server.chooseCertificate': () => ({}),
  // Nothing listens on port 9: the guard answers first; after a re-authentication, SERVER_UNREACHABLE.
  'server.connect': () => ({ url: 'http://127.0.0.1:9', code: 'ABCDE-FGHJK-MNPQR-STVWX' }),
  'server.publish': () => ({}),
  'server.disconnect': () => ({ confirmed: true }),
  'usage.integration': ({ billing }) => ({ integrationId: billing }),
  'vault.remember': () => ({ remember: true }),
  'vault.import': ({ password }) => ({ password: password() }),
  'vault.create': ({ password }) => ({ password: password(), remember: false }),
  'vault.unlock': ({ password }) => ({ password: password() }),
  'reauth.password': ({ password }) => ({ password: password() }),
  'vault.changePassword': ({ password }) => ({
    currentPassword: password(),
    newPassword: `${password()} changed`,
  }),
  'vault.lock': () => ({}),
  'backup.restore': ({ password }) => ({ name: 'keyward-20000101T000000Z', password: password() }),
};

interface LogEntry {
  action: string;
  outcome: string;
}

describe('re-authentication is declared in the contract', () => {
  it('every guarded action the engine knows is declared by a channel (or is CLI-only, with its reason)', () => {
    const declared = new Set(CHANNELS.flatMap((channel) => reauthActions(channel)));
    const undeclared = GUARDED_ACTIONS.filter(
      (action) => !declared.has(action) && GUARDED_WITHOUT_CHANNEL[action] === undefined,
    );
    expect(undeclared).toEqual([]);
    expect(CHANNELS.filter((channel) => reauthActions(channel).length > 0)).toEqual(
      CHANNELS.filter((channel) => needsReauthHandling(channel)),
    );
    expect(REAUTH_CHANNELS.length).toBeGreaterThan(0);
  });

  it('every channel that answers REAUTH_REQUIRED declares it, logs a declared action, and goes through after one re-authentication', async () => {
    const made = await createTestEngine({ password: PASSWORD });
    const clipboard = new ClipboardGuard(new MemoryClipboard(), made.clock);
    cleanups.push(() => clipboard.dispose(), made.cleanup);
    const dispatch = createDispatch({
      handlers: createEngineHandlers(made.engine, {
        clipboard,
        chooseSaveFile: () => Promise.resolve(null),
        chooseOpenFile: () => Promise.resolve(null),
      }),
      isTrustedSender: trustedSenderFor(ORIGIN),
    });
    const call = (channel: string, input: unknown): Promise<IpcResult<unknown>> =>
      dispatch(channel, input, SENDER);
    const valueOf = async <T>(channel: Channel, input: unknown): Promise<T> => {
      const result = await call(channel, input);
      if (!result.ok) {
        throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      }
      return result.value as T;
    };

    let password = PASSWORD;
    const created = async (name: string) =>
      (
        await valueOf<{ integration: { id: string } }>('integrations.create', {
          integration: { name, platform: 'server' },
        })
      ).integration.id;
    const context: ProbeContext = {
      billing: await created('Billing'),
      doomed: await created('Doomed'),
      password: () => password,
      activeKeyId: async () => {
        const keys = await valueOf<{ id: string; status: string }[]>('keys.list', {
          integrationId: context.billing,
        });
        return keys.find((key) => key.status === 'active')?.id ?? 'none';
      },
    };
    /** Lets any re-authentication go stale, and reopens the vault if a probe locked it. */
    const stale = async () => {
      if (!made.engine.vault.isUnlocked) {
        await made.engine.unlockWithPassword(password);
      }
      const { freshForMs } = await valueOf<{ freshForMs: number }>('reauth.status', {});
      made.clock.advance(freshForMs + 1000);
    };

    const problems: string[] = [];
    const asked: string[] = [];
    for (const channel of Object.keys(PROBES) as Channel[]) {
      await stale();
      const input: unknown = await PROBES[channel](context);
      const first = await call(channel, input);
      const askedNow = !first.ok && first.error.code === 'REAUTH_REQUIRED';
      if (channel === 'vault.changePassword' && first.ok) {
        password = `${password} changed`;
      }
      if (askedNow !== needsReauthHandling(channel)) {
        problems.push(
          askedNow
            ? `${channel} answered REAUTH_REQUIRED but does not declare reauth in the contract`
            : `${channel} declares reauth but answered ${first.ok ? 'ok' : first.error.code} on a stale session`,
        );
        continue;
      }
      if (!askedNow) {
        continue;
      }
      asked.push(channel);
      // Every refusal is logged as a denial naming the guarded action (the authenticator's guards
      // too): it must be one the channel declares.
      const [last] = await valueOf<LogEntry[]>('log.list', { limit: 1 });
      if (last?.outcome !== 'denied') {
        problems.push(`${channel} answered REAUTH_REQUIRED without logging a denial`);
      } else if (!reauthActions(channel).some((action) => action === last.action)) {
        problems.push(`${channel} logged a denial of ${last.action}, which it does not declare`);
      }
      await valueOf('reauth.password', { password });
      const retried = await call(channel, input);
      if (!retried.ok && retried.error.code === 'REAUTH_REQUIRED') {
        problems.push(`${channel} still answered REAUTH_REQUIRED after a re-authentication`);
      }
    }
    expect(problems).toEqual([]);
    expect(asked).toEqual(Object.keys(PROBES).filter((channel) => needsReauthHandling(channel)));
  });
});
