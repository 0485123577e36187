// Pure: no `electron` import. Every channel of the contract on the engine — thin on purpose: the
// engine validates, guards (re-authentication) and logs; this file only maps shapes.
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import QRCode from 'qrcode';
import { KeywardError } from '../../../shared/errors.ts';
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

/** The largest certificate file `server.chooseCertificate` reads (a PEM chain is a few KiB). */
const CERT_FILE_MAX_BYTES = 64 * 1024;

/** A certificate the user chose to pin: its PEM (for the engine) and what the renderer is shown. */
interface ChosenCertificate {
  pem: string;
  sha256: string;
  subject: string;
  validTo: string;
}

/**
 * Reads and checks a PEM certificate file: one `CERTIFICATE` block, parsed by Node's X.509. Its
 * fingerprint names it to `server.connect`; the path never leaves main.
 */
function readCertificate(path: string): ChosenCertificate {
  if (statSync(path).size > CERT_FILE_MAX_BYTES) {
    throw new KeywardError(
      'INVALID_INPUT',
      'That file is too large to be a certificate (PEM, at most 64 KiB).',
    );
  }
  const text = readFileSync(path, 'utf8');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length !== 1 || blocks[0] === undefined) {
    throw new KeywardError(
      'INVALID_INPUT',
      blocks.length === 0
        ? 'That file holds no PEM certificate (-----BEGIN CERTIFICATE-----).'
        : "That file holds several certificates: choose the server's own certificate only.",
    );
  }
  const pem = `${blocks[0]}\n`;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch (error) {
    throw new KeywardError('INVALID_INPUT', 'That certificate cannot be read (not valid X.509).', {
      cause: error,
    });
  }
  return {
    pem,
    sha256: certificate.fingerprint256,
    subject: certificate.subject.replace(/\n/g, ', ').slice(0, 1000),
    validTo: certificate.validTo.slice(0, 100),
  };
}

/** Runs a synchronous engine call as a promise (a throw becomes a rejection). */
function later<A, R>(fn: (input: A) => R): (input: A) => Promise<R> {
  return (input) => Promise.resolve().then(() => fn(input));
}

/** The handlers for every IPC channel, over one engine and the desktop's clipboard. */
export function createEngineHandlers(engine: KeywardEngine, desktop: DesktopServices): Handlers {
  const status = () => engine.vault.status();
  const clearAfterSeconds = () => engine.settings().clipboardClearSeconds;
  // The certificate chosen for the next connect, named by its fingerprint (kept in main only).
  let chosenCertificate: ChosenCertificate | null = null;
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
      engine.requireUnlocked(); // remembering needs the data key
      // Remembering weakens a protection: guarded (REAUTH_REQUIRED) and logged by the engine.
      await (remember ? engine.remember() : engine.forgetDevice());
      return status();
    },
    'vault.changePassword': async ({ currentPassword, newPassword }) => {
      await engine.changePassword(currentPassword, newPassword);
      return {};
    },
    'app.activity': later(() => {
      engine.touch();
      return {};
    }),
    'reauth.status': later(() => engine.reauthStatus()),
    'totp.enrollBegin': later(() => {
      const { uri, secret } = engine.beginTotpEnrollment();
      return { uri, secret, qr: qrModules(uri) };
    }),
    'totp.enrollConfirm': later(({ code }) => {
      engine.confirmTotpEnrollment(code);
      return {};
    }),
    'totp.disable': later(() => {
      engine.disableTotp();
      return {};
    }),
    'reauth.password': ({ password }) => engine.reauthenticate({ password }),
    'reauth.totp': ({ code }) => engine.reauthenticate({ totp: code }),
    'integrations.create': later(({ integration, confirmNeverExpire }) =>
      engine.createIntegration(integration, confirmNeverExpire ? { confirmNeverExpire } : {}),
    ),
    'integrations.edit': later(({ integrationId, patch }) => engine.editIntegration(integrationId, patch)),
    'integrations.get': later(({ integrationId }) => engine.integration(integrationId)),
    'integrations.setNeverExpire': later(({ integrationId, neverExpire, confirmed }) =>
      engine.setNeverExpire(integrationId, neverExpire, confirmed),
    ),
    'integrations.delete': later(({ integrationId, confirmed }) => {
      engine.deleteIntegration(integrationId, confirmed);
      return {};
    }),
    'integrations.setEnabled': later(({ integrationId, enabled }) =>
      engine.setIntegrationEnabled(integrationId, enabled),
    ),
    'keys.list': later(({ integrationId }) => engine.listKeys(integrationId)),
    'keys.table': later((query) => engine.keyTable(query)),
    'keys.regenerate': later(({ integrationId }) => engine.regenerate(integrationId)),
    'keys.delete': later(({ keyId }) => {
      engine.deleteKey(keyId);
      return {};
    }),
    // By the server when one is connected (unless `where: 'local'`), else locally; `against` says which.
    'keys.test': ({ keyId, ip, where }) =>
      engine.testKey(keyId, {
        ...(ip === undefined ? {} : { ip }),
        ...(where === undefined ? {} : { where }),
      }),
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
    'keys.rotate': later(({ integrationId }) => engine.rotate(integrationId)),
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
      const report = await engine.decode(input);
      // Spread: the report's interfaces become plain object types the contract's records accept.
      return report.ok ? { ok: true, value: { ...report.value } } : { ok: false, error: { ...report.error } };
    },
    'notices.list': later(({ unreadOnly, includeSuperseded, limit }) =>
      engine.notices({
        ...(unreadOnly === undefined ? {} : { unreadOnly }),
        ...(includeSuperseded === undefined ? {} : { includeSuperseded }),
        ...(limit === undefined ? {} : { limit }),
      }),
    ),
    'decoder.trust': async ({ text, label }) => ({
      keys: await engine.importTrustedKeys(text, label === undefined ? {} : { label }),
    }),
    'decoder.trustedKeys': later(() => ({ keys: engine.trustedKeys() })),
    'decoder.forgetTrusted': later(() => {
      engine.clearTrustedKeys();
      return {};
    }),
    'notices.markRead': later((input) => ({
      marked: engine.markNoticesRead('all' in input ? 'all' : input.ids),
    })),
    'log.list': later(({ limit, beforeSeq, integrationId }) =>
      engine.activity({
        ...(limit === undefined ? {} : { limit }),
        ...(beforeSeq === undefined ? {} : { beforeSeq }),
        ...(integrationId === undefined ? {} : { integrationId }),
      }),
    ),
    'log.verify': later(() => engine.verifyLog()),
    'settings.get': later(() => engine.settings()),
    // A change that weakens a protection needs a fresh re-authentication (REAUTH_REQUIRED).
    'settings.set': later(({ patch }) => engine.updateSettings(patch)),
    'backup.list': later(() =>
      engine.listBackups().map(({ name, createdAt, bytes }) => ({ name, createdAt, bytes })),
    ),
    'backup.restore': async ({ name, password }) => {
      const { previous } = await engine.restoreBackup(name, password);
      return { previous };
    },
    'log.export': async ({ format }) => {
      engine.requireUnlocked(); // before the save dialog opens
      const path = await desktop.chooseSaveFile({
        title: 'Export the activity log',
        defaultName: datedName('keyward-activity', format, Date.now()),
        filter:
          format === 'csv' ? { name: 'CSV', extensions: ['csv'] } : { name: 'JSON', extensions: ['json'] },
      });
      if (path === null) {
        return { saved: false, entries: 0 };
      }
      const { entries } = engine.exportLog(path, format);
      return { saved: true, entries };
    },
    'vault.import': async ({ password }) => {
      engine.requireNoVault('import');
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
      engine.requireUnlocked(); // before the save dialog opens
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
    'server.status': later(() => engine.serverStatus()),
    'server.chooseCertificate': async () => {
      engine.requireUnlocked(); // before the open dialog
      const path = await desktop.chooseOpenFile({
        title: "Choose the Keyward server's certificate to pin",
        filter: { name: 'PEM certificate', extensions: ['pem', 'crt', 'cer'] },
      });
      if (path === null) {
        return { chosen: false };
      }
      chosenCertificate = readCertificate(path);
      const { sha256, subject, validTo } = chosenCertificate;
      return { chosen: true, sha256, subject, validTo };
    },
    // Guarded on the engine (re-authentication `server.connect`), logged.
    'server.connect': async ({ url, code, deviceName, pinnedCertSha256 }) => {
      let pinnedCertPem: string | undefined;
      if (pinnedCertSha256 !== undefined) {
        if (chosenCertificate?.sha256 !== pinnedCertSha256) {
          throw new KeywardError('INVALID_INPUT', 'Choose the certificate to pin again.');
        }
        pinnedCertPem = chosenCertificate.pem;
      }
      return engine.connectServer({
        url,
        code,
        ...(deviceName === undefined ? {} : { deviceName }),
        ...(pinnedCertPem === undefined ? {} : { pinnedCertPem }),
      });
    },
    'server.publish': () => engine.publishNow(),
    'server.disconnect': async () => {
      await engine.disconnectServer();
      chosenCertificate = null;
      return engine.serverStatus();
    },
    'usage.integration': ({ integrationId }) => engine.integrationUsage(integrationId),
    'backup.now': later(() => {
      const { name, createdAt, bytes } = engine.backupNow();
      return { name, createdAt, bytes };
    }),
  };
}
