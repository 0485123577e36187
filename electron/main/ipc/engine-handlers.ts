// Pure: no `electron` import. Every channel of the contract on the engine — thin on purpose: the
// engine validates, guards (re-authentication) and logs; this file only maps shapes.
import type { KeywardEngine } from '../../vault/keyward-engine.ts';
import type { Handlers } from './dispatch.ts';

/** Runs a synchronous engine call as a promise (a throw becomes a rejection). */
function later<A, R>(fn: (input: A) => R): (input: A) => Promise<R> {
  return (input) => Promise.resolve().then(() => fn(input));
}

/** The handlers for every IPC channel, over one engine. */
export function createEngineHandlers(engine: KeywardEngine): Handlers {
  const status = () => engine.vault.status();
  const services = () => engine.services();
  const actor = () => ({ actor: engine.actor });
  return {
    'vault.status': () => status(),
    'vault.create': async ({ password, remember }) => {
      await engine.create(password);
      if (remember) {
        await engine.vault.remember();
      }
      return status();
    },
    'vault.unlock': async (input) => {
      await ('password' in input ? engine.unlockWithPassword(input.password) : engine.unlockWithKeychain());
      return status();
    },
    'vault.lock': () => {
      engine.lock('manual');
      return status();
    },
    'reauth.password': ({ password }) => engine.reauthenticate({ password }),
    'reauth.totp': ({ code }) => engine.reauthenticate({ totp: code }),
    'integrations.search': later(({ term, offset, limit }) => {
      const { lifecycle } = services();
      const page = lifecycle.searchIntegrations(term, { offset, limit });
      return {
        total: page.total,
        offset: page.offset,
        items: page.items.map((integration) => ({
          integration,
          activeKey: lifecycle.listKeys(integration.id).find((key) => key.status === 'active') ?? null,
        })),
      };
    }),
    'integrations.create': later(({ integration, confirmNeverExpire }) =>
      engine.createIntegration(integration, confirmNeverExpire ? { confirmNeverExpire } : {}),
    ),
    'integrations.edit': later(({ integrationId, patch }) =>
      services().lifecycle.editIntegration(integrationId, patch, actor()),
    ),
    'integrations.setEnabled': later(({ integrationId, enabled }) =>
      services().lifecycle.setEnabled(integrationId, enabled, actor()),
    ),
    'keys.list': later(({ integrationId }) => services().lifecycle.listKeys(integrationId)),
    'keys.rotate': later(({ integrationId }) => services().lifecycle.rotate(integrationId, actor())),
    // Guarded on the engine: re-authentication, confirmation for a never-expiring key, logged.
    'keys.revoke': later(({ integrationId, graceDays, newLifetimeDays, confirmNeverExpire }) =>
      engine.revoke(integrationId, {
        graceDays,
        newLifetimeDays,
        ...(confirmNeverExpire ? { confirmNeverExpire } : {}),
      }),
    ),
    // The one handler that returns key material (guarded and logged by the engine).
    'keys.reveal': later(({ keyId }) => ({ material: engine.revealKey(keyId) })),
    'decoder.decode': async ({ input }) => {
      const report = await services().decoder.decode(input);
      // Spread: the report's interfaces become plain object types the contract's records accept.
      return report.ok ? { ok: true, value: { ...report.value } } : { ok: false, error: { ...report.error } };
    },
    'notices.list': later(({ unreadOnly, limit }) =>
      services().notices.list({
        ...(unreadOnly === undefined ? {} : { unreadOnly }),
        ...(limit === undefined ? {} : { limit }),
      }),
    ),
    'log.list': later(({ limit, beforeSeq, integrationId }) =>
      services().log.list({
        ...(limit === undefined ? {} : { limit }),
        ...(beforeSeq === undefined ? {} : { beforeSeq }),
        ...(integrationId === undefined ? {} : { integrationId }),
      }),
    ),
    'log.verify': later(() => services().log.verify()),
    'settings.get': later(() => services().settings.get()),
    'settings.set': later(({ patch }) => services().settings.set(patch, actor())),
  };
}
