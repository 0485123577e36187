// Pure: no `electron` import. Every channel of the contract on the engine — thin on purpose: the
// engine validates, guards (re-authentication) and logs; this file only maps shapes.
import QRCode from 'qrcode';
import { formatTimestamp } from '../../../shared/time/format-time.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { exportActivityLog } from '../../vault/audit/log-export.ts';
import type { ClipboardGuard, CopyResult } from '../../vault/clipboard/clipboard-guard.ts';
import type { KeywardEngine } from '../../vault/keyward-engine.ts';
import type { Handlers } from './dispatch.ts';

/** Where the user chose to save a file (main: the OS save dialog), or null when they cancelled. */
export type ChooseSaveFile = (options: {
  title: string;
  defaultName: string;
  /** e.g. `{ name: 'CSV', extensions: ['csv'] }` */
  filter: { name: string; extensions: string[] };
}) => Promise<string | null>;

/** Which file the user chose to open (main: the OS open dialog), or null when they cancelled. */
export type ChooseOpenFile = (options: {
  title: string;
  filter: { name: string; extensions: string[] };
}) => Promise<string | null>;

/** What the desktop host adds to the engine. */
export interface DesktopServices {
  /** Copies leave through this guard, which clears them after the configured time only if unchanged. */
  clipboard: ClipboardGuard;
  /** Asks where to save an export (Electron's save dialog; a temp folder in the test harness). */
  chooseSaveFile: ChooseSaveFile;
  /** Asks which file to open (Electron's open dialog; the test's answer in the harness). */
  chooseOpenFile: ChooseOpenFile;
}

/** A file name for today: `keyward-activity-2026-11-23.csv`. */
function datedName(stem: string, extension: string, now: number): string {
  return `${stem}-${new Date(now).toISOString().slice(0, 10)}.${extension}`;
}

/** The QR code of `text` as a square of modules, '1' = dark (the renderer draws it without innerHTML). */
function qrModules(text: string): { size: number; modules: string } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  let bits = '';
  for (let i = 0; i < modules.data.length; i++) {
    bits += modules.data[i] ? '1' : '0';
  }
  return { size: modules.size, modules: bits };
}

function copyView(result: CopyResult): { targets: ('clipboard' | 'selection')[]; clearAt: number | null } {
  return { targets: [...result.targets], clearAt: result.clearAt };
}

/** Runs a synchronous engine call as a promise (a throw becomes a rejection). */
function later<A, R>(fn: (input: A) => R): (input: A) => Promise<R> {
  return (input) => Promise.resolve().then(() => fn(input));
}

/** The handlers for every IPC channel, over one engine and the desktop's clipboard. */
export function createEngineHandlers(engine: KeywardEngine, desktop: DesktopServices): Handlers {
  const status = () => engine.vault.status();
  const services = () => engine.services();
  const actor = () => ({ actor: engine.actor });
  const clearAfterSeconds = () => services().settings.get().clipboardClearSeconds;
  return {
    'vault.status': () => status(),
    // Remembering with the password just typed: that password is the re-authentication.
    'vault.create': async ({ password, remember }) => {
      await engine.create(password, remember ? { remember: true } : {});
      return status();
    },
    'vault.unlock': async (input) => {
      if ('password' in input) {
        await engine.unlockWithPassword(input.password, input.remember === true ? { remember: true } : {});
      } else {
        await engine.unlockWithKeychain();
      }
      return status();
    },
    'vault.lock': async () => {
      engine.lock('manual');
      return status();
    },
    'vault.remember': async ({ remember }) => {
      services(); // only while unlocked: remembering needs the data key
      // Remembering weakens a protection: guarded (REAUTH_REQUIRED) and logged by the engine.
      await (remember ? engine.remember() : engine.vault.forget());
      return status();
    },
    'vault.changePassword': async ({ currentPassword, newPassword }) => {
      await engine.changePassword(currentPassword, newPassword);
      return {};
    },
    'app.activity': later(() => {
      if (engine.vault.isUnlocked) {
        services().autoLock.touch();
      }
      return {};
    }),
    'reauth.status': later(() => {
      const { reauth } = services();
      return { freshForMs: reauth.remainingMs(), totpEnrolled: reauth.totpEnrolled };
    }),
    'totp.enrollBegin': later(() => {
      const account = `vault-${engine.vault.vaultId().slice(0, 8)}`;
      const { uri, secret } = services().reauth.beginTotpEnrollment(account);
      return { uri, secret, qr: qrModules(uri) };
    }),
    'totp.enrollConfirm': later(({ code }) => {
      services().reauth.confirmTotpEnrollment(code, actor());
      return {};
    }),
    'totp.disable': later(() => {
      services().reauth.disableTotp(actor());
      return {};
    }),
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
    'integrations.get': later(({ integrationId }) => services().lifecycle.requireIntegration(integrationId)),
    'integrations.setNeverExpire': later(({ integrationId, neverExpire, confirmed }) =>
      engine.setNeverExpire(integrationId, neverExpire, confirmed),
    ),
    'integrations.delete': later(({ integrationId, confirmed }) => {
      engine.deleteIntegration(integrationId, confirmed);
      return {};
    }),
    'integrations.setEnabled': later(({ integrationId, enabled }) =>
      services().lifecycle.setEnabled(integrationId, enabled, actor()),
    ),
    'keys.list': later(({ integrationId }) => services().lifecycle.listKeys(integrationId)),
    'keys.table': later((query) => services().lifecycle.keyTable(query)),
    'keys.regenerate': later(({ integrationId }) => engine.regenerate(integrationId)),
    'keys.delete': later(({ keyId }) => {
      engine.deleteKey(keyId);
      return {};
    }),
    'keys.test': later(({ keyId }) => engine.testKey(keyId)),
    // Guarded on the engine: re-authentication, logged; the key becomes revoked.
    'keys.endGrace': later(({ keyId }) => engine.endGrace(keyId)),
    // Main writes the clipboard: the material goes from the engine to the guard, never to the renderer.
    'keys.copy': async ({ keyId }) =>
      copyView(
        await engine.copyKey(keyId, (material) =>
          desktop.clipboard.copy(material, { clearAfterSeconds: clearAfterSeconds() }),
        ),
      ),
    'secret.copy': async ({ integrationId }) => {
      const { secret, written } = await engine.copySecret(integrationId, (token) =>
        desktop.clipboard.copy(token, { clearAfterSeconds: clearAfterSeconds() }),
      );
      return { ...copyView(written), keyId: secret.keyId, expiresAt: secret.expiresAt };
    },
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
    'notices.list': later(({ unreadOnly, includeSuperseded, limit }) =>
      services().notices.list({
        ...(unreadOnly === undefined ? {} : { unreadOnly }),
        ...(includeSuperseded === undefined ? {} : { includeSuperseded }),
        ...(limit === undefined ? {} : { limit }),
      }),
    ),
    'decoder.trust': async ({ text, label }) => ({
      keys: await services().decoder.importTrustedKeys(text, label === undefined ? {} : { label }),
    }),
    'decoder.trustedKeys': later(() => ({ keys: services().decoder.trustedKeys() })),
    'decoder.forgetTrusted': later(() => {
      services().decoder.clearTrustedKeys();
      return {};
    }),
    'notices.markRead': later((input) => {
      const { notices } = services();
      const marked =
        'all' in input ? notices.markRead() : input.ids.reduce((sum, id) => sum + notices.markRead(id), 0);
      return { marked };
    }),
    'log.list': later(({ limit, beforeSeq, integrationId }) => {
      const { log, lifecycle } = services();
      const names = new Map<string, string | null>();
      const nameOf = (id: string) => {
        if (!names.has(id)) {
          names.set(id, lifecycle.integrationName(id));
        }
        return names.get(id) ?? null;
      };
      return log
        .list({
          ...(limit === undefined ? {} : { limit }),
          ...(beforeSeq === undefined ? {} : { beforeSeq }),
          ...(integrationId === undefined ? {} : { integrationId }),
        })
        .map((entry) => ({
          ...entry,
          integrationName: entry.integrationId === null ? null : nameOf(entry.integrationId),
        }));
    }),
    'log.verify': later(() => services().log.verify()),
    'settings.get': later(() => services().settings.get()),
    // A change that weakens a protection needs a fresh re-authentication (REAUTH_REQUIRED).
    'settings.set': later(({ patch }) => services().settings.set(patch, actor())),
    'backup.list': later(() =>
      engine
        .backupService()
        .list()
        .map(({ name, createdAt, bytes }) => ({ name, createdAt, bytes })),
    ),
    'backup.restore': async ({ name, password }) => {
      const { previous } = await engine.restoreBackup(name, password);
      return { previous };
    },
    'log.export': async ({ format }) => {
      const { log, lifecycle, settings } = services();
      const path = await desktop.chooseSaveFile({
        title: 'Export the activity log',
        defaultName: datedName('keyward-activity', format, Date.now()),
        filter:
          format === 'csv' ? { name: 'CSV', extensions: ['csv'] } : { name: 'JSON', extensions: ['json'] },
      });
      if (path === null) {
        return { saved: false, entries: 0 };
      }
      const utc = settings.get().utc;
      const names = new Map(
        lifecycle.listIntegrations().map((integration) => [integration.id, integration.name]),
      );
      const { entries } = exportActivityLog({
        log,
        file: path,
        format,
        time: { at: (epochMs) => formatTimestamp(epochMs, { utc }) },
        names,
        actor: engine.actor,
      });
      return { saved: true, entries };
    },
    'vault.import': async ({ password }) => {
      if (engine.vault.exists()) {
        throw new KeywardError(
          'VAULT_EXISTS',
          'A vault exists already; an export is imported only on a new computer.',
        );
      }
      const path = await desktop.chooseOpenFile({
        title: 'Import a Keyward export',
        filter: { name: 'Keyward export', extensions: ['keyward'] },
      });
      if (path === null) {
        return { imported: false, status: await status() };
      }
      await engine.importFrom(path, password);
      return { imported: true, status: await status() };
    },
    'jwks.export': async () => {
      const keys = (await engine.jwks()).keys.length;
      const path = await desktop.chooseSaveFile({
        title: 'Export the public keys that verify Secrets (JWKS)',
        defaultName: 'keyward-jwks.json',
        filter: { name: 'JSON Web Key Set', extensions: ['json'] },
      });
      if (path === null) {
        return { saved: false, keys };
      }
      // The engine's one rule: a new file only, never the vault's files, a backup or an export.
      return { saved: true, keys: (await engine.exportJwks(path)).kids.length };
    },
    'vault.export': async () => {
      services();
      const path = await desktop.chooseSaveFile({
        title: 'Export the whole vault (encrypted)',
        defaultName: datedName('keyward-export', 'keyward', Date.now()),
        filter: { name: 'Keyward export', extensions: ['keyward'] },
      });
      if (path === null) {
        return { saved: false, bytes: 0 };
      }
      return { saved: true, bytes: engine.exportTo(path).bytes };
    },
    'backup.now': later(() => {
      const { name, createdAt, bytes } = engine.backupNow();
      return { name, createdAt, bytes };
    }),
  };
}
