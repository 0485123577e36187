/**
 * The IPC contract: every channel the renderer may call, with the zod schemas of its input and
 * output, and every event main sends. Main validates inputs and outputs against it, the preload
 * builds the bridge from its names, and the renderer's client is typed by it. See README.md.
 *
 * Key material crosses IPC on exactly one channel: `keys.reveal`. Every other output schema is a
 * strict object without any field that could carry it, so a handler that returns one fails.
 *
 * Re-authentication is declared here too: a channel whose handler may answer `REAUTH_REQUIRED` lists
 * the guarded actions it may ask for in `reauth` (always, or for some inputs only — e.g.
 * `integrations.create` for a never-expiring key). The renderer's `call` handles `REAUTH_REQUIRED`
 * from those channels in one place (asks, then retries); a test calls every channel on a stale
 * session and fails when one answers `REAUTH_REQUIRED` without declaring it.
 */
import { z } from 'zod';
import { activityEntryViewSchema } from '../domain/activity.ts';
import { apiKeyViewSchema, revokeOptionsSchema } from '../domain/api-key.ts';
import { integrationCreateSchema, integrationEditSchema, integrationSchema } from '../domain/integration.ts';
import { keyTableQuerySchema, keyTableRowSchema } from '../domain/key-table.ts';
import { noticeSchema } from '../domain/notice.ts';
import { settingsPatchSchema, settingsSchema } from '../domain/settings.ts';
import type { GuardedAction } from '../domain/reauth.ts';
import { REFUSAL_CODES } from '../keys/acceptance.ts';
import { parseIp } from '../net/cidr.ts';
import { syncStatusSchema } from '../sync/sync-status.ts';
import { integrationUsageSchema } from '../sync/usage.ts';
import type { CHANNELS, EVENTS, REAUTH_CHANNELS } from './channels.ts';

const MAX_ID = 100;
const id = z.string().min(1).max(MAX_ID);
const password = z.string().min(1).max(1024);
const nullableNumber = z.number().nullable();
const empty = z.strictObject({});

/** A vault status snapshot (no secrets: paths, KDF parameters, keychain and lockout state). */
export const vaultStatusSchema = z.strictObject({
  path: z.string(),
  exists: z.boolean(),
  state: z.enum(['locked', 'unlocked']),
  vaultId: z.string().nullable(),
  createdAt: z.string().nullable(),
  cipher: z.string().nullable(),
  kdf: z
    .strictObject({
      algorithm: z.string(),
      memoryKiB: z.number(),
      iterations: z.number(),
      parallelism: z.number(),
    })
    .nullable(),
  keychain: z.strictObject({
    available: z.boolean(),
    reason: z.string().nullable(),
    remembered: z.boolean(),
    deviceKeyInHeader: z.boolean(),
  }),
  lockout: z.strictObject({ failures: z.number(), retryAfterMs: z.number() }),
  schemaVersion: z.number().nullable(),
});

const reauthOutput = z.strictObject({ freshForMs: z.number() });

/** A key trusted to verify other issuers' tokens, as the decoder shows it (never the key). */
const trustedKeysOutput = z.strictObject({
  keys: z.array(
    z.strictObject({
      label: z.string(),
      kid: z.string().nullable(),
      type: z.enum(['RSA', 'RSA-PSS', 'EC', 'OKP', 'oct']),
      curve: z.string().nullable(),
      alg: z.string().nullable(),
      thumbprint: z.string().nullable(),
    }),
  ),
});

/** What a copy did: where it went and when it will be checked and cleared (epoch ms; null = never). */
const copyOutput = z.strictObject({
  targets: z.array(z.enum(['clipboard', 'selection'])),
  clearAt: nullableNumber,
});

/** A backup as the settings screen lists it (no path: the renderer has no use for one). */
export const backupSchema = z.strictObject({ name: z.string(), createdAt: z.number(), bytes: z.number() });

/** One channel: its input and output schemas, and the guarded actions it may need a re-authentication for. */
export interface ChannelSpec {
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  /** The guarded actions this channel may answer `REAUTH_REQUIRED` for; absent = never asks. */
  readonly reauth?: readonly GuardedAction[];
}

/**
 * The contract: channel → `{ input, output, reauth? }`. Inputs are strict objects with bounded
 * strings; outputs are strict objects, so an unexpected field fails output validation instead of
 * crossing.
 */
export const contract = {
  'vault.status': { input: empty, output: vaultStatusSchema },
  'vault.create': {
    input: z.strictObject({ password, remember: z.boolean() }),
    output: vaultStatusSchema,
  },
  'vault.unlock': {
    input: z.union([
      z.strictObject({ password, remember: z.boolean().optional() }),
      z.strictObject({ keychain: z.literal(true) }),
    ]),
    output: vaultStatusSchema,
  },
  'vault.lock': { input: empty, output: vaultStatusSchema },
  /** Remember the vault on this device (OS keychain) or forget it. */
  'vault.remember': {
    input: z.strictObject({ remember: z.boolean() }),
    output: vaultStatusSchema,
    reauth: ['vault.remember'],
  },
  'vault.changePassword': {
    input: z.strictObject({ currentPassword: password, newPassword: password }),
    output: empty,
  },
  /** The user is active in the window (keeps the idle auto-lock from firing); also the no-op round trip. */
  'app.activity': { input: empty, output: empty },
  'reauth.status': {
    input: empty,
    output: z.strictObject({ freshForMs: z.number(), totpEnrolled: z.boolean() }),
  },
  'reauth.password': { input: z.strictObject({ password }), output: reauthOutput },
  'reauth.totp': { input: z.strictObject({ code: z.string().regex(/^\d{6,8}$/) }), output: reauthOutput },
  /**
   * Starts enrolling an authenticator (guarded): the otpauth URI and its secret, shown once, and the
   * QR code as a square of modules (`size`² characters, '1' = dark) the renderer draws itself.
   */
  'totp.enrollBegin': {
    input: empty,
    output: z.strictObject({
      uri: z.string(),
      secret: z.string(),
      qr: z.strictObject({ size: z.number().int(), modules: z.string().regex(/^[01]*$/) }),
    }),
    reauth: ['totp.enroll'],
  },
  'totp.enrollConfirm': { input: z.strictObject({ code: z.string().regex(/^\d{6}$/) }), output: empty },
  'totp.disable': { input: empty, output: empty, reauth: ['totp.disable'] },
  'integrations.create': {
    input: z.strictObject({
      integration: integrationCreateSchema,
      confirmNeverExpire: z.boolean().optional(),
    }),
    output: z.strictObject({ integration: integrationSchema, key: apiKeyViewSchema }),
    reauth: ['integration.never-expire'],
  },
  'integrations.edit': {
    input: z.strictObject({ integrationId: id, patch: integrationEditSchema }),
    output: integrationSchema,
  },
  'integrations.get': { input: z.strictObject({ integrationId: id }), output: integrationSchema },
  'integrations.setNeverExpire': {
    input: z.strictObject({ integrationId: id, neverExpire: z.boolean(), confirmed: z.boolean() }),
    output: integrationSchema,
    reauth: ['integration.never-expire'],
  },
  'integrations.delete': {
    input: z.strictObject({ integrationId: id, confirmed: z.literal(true) }),
    output: empty,
    reauth: ['integration.delete'],
  },
  'integrations.setEnabled': {
    input: z.strictObject({ integrationId: id, enabled: z.boolean() }),
    output: integrationSchema,
  },
  'keys.list': { input: z.strictObject({ integrationId: id.optional() }), output: z.array(apiKeyViewSchema) },
  /** The key table: every key with its integration, filtered as you type, sorted, one page at a time. */
  'keys.table': {
    input: keyTableQuerySchema,
    output: z.strictObject({ total: z.number(), offset: z.number(), rows: z.array(keyTableRowSchema) }),
  },
  'keys.regenerate': {
    input: z.strictObject({ integrationId: id }),
    output: apiKeyViewSchema,
    reauth: ['key.regenerate'],
  },
  'keys.delete': { input: z.strictObject({ keyId: id }), output: empty, reauth: ['key.delete'] },
  /** Ends one grace key's grace now (re-authentication; logged): it becomes `revoked`. */
  'keys.endGrace': {
    input: z.strictObject({ keyId: id }),
    output: apiKeyViewSchema,
    reauth: ['key.end-grace'],
  },
  /**
   * Tests a key as a verifier would: by the connected server (`POST /v1/test`, optionally as if the
   * call came from `ip`) unless `where: 'local'` or no server is connected, else locally; `against`
   * says which it did. The material stays in main.
   */
  'keys.test': {
    input: z.strictObject({
      keyId: id,
      /** Check the IP allow list as if the call came from this address (IPv4 or IPv6). */
      ip: z
        .string()
        .max(64)
        .refine((value) => parseIp(value).ok, 'ip must be an IPv4 or IPv6 address')
        .optional(),
      where: z.enum(['auto', 'local']).optional(),
    }),
    output: z.strictObject({
      accepted: z.boolean(),
      /** The refusal code (`KEY_EXPIRED`, …), or null when accepted; the renderer words it. */
      reason: z.enum(REFUSAL_CODES).nullable(),
      checkedAt: z.number(),
      against: z.enum(['local', 'server']),
    }),
  },
  /** Main writes the key to the clipboard (guarded); the material never reaches the renderer. */
  'keys.copy': { input: z.strictObject({ keyId: id }), output: copyOutput, reauth: ['key.copy'] },
  /** Main mints a fresh Secret and writes it to the clipboard (guarded); it never reaches the renderer. */
  'secret.copy': {
    input: z.strictObject({ integrationId: id }),
    output: copyOutput.extend({ keyId: z.string(), expiresAt: z.number() }),
    reauth: ['secret.copy'],
  },
  'keys.rotate': { input: z.strictObject({ integrationId: id }), output: apiKeyViewSchema },
  'keys.revoke': {
    input: z.strictObject({
      integrationId: id,
      ...revokeOptionsSchema.shape,
      confirmNeverExpire: z.boolean().optional(),
    }),
    output: apiKeyViewSchema,
    reauth: ['key.revoke'],
  },
  /** The ONLY channel whose output carries key material; the engine gates it behind re-auth and logs it. */
  'keys.reveal': {
    input: z.strictObject({ keyId: id }),
    output: z.strictObject({ material: z.string() }),
    reauth: ['key.reveal'],
  },
  'decoder.decode': {
    input: z.strictObject({ input: z.string().max(65_536) }),
    // The decoder's report is large and nested; it masks key material itself (electron/vault/README.md).
    output: z.union([
      z.strictObject({ ok: z.literal(true), value: z.record(z.string(), z.unknown()) }),
      z.strictObject({ ok: z.literal(false), error: z.record(z.string(), z.unknown()) }),
    ]),
  },
  /**
   * Trusts public keys of other issuers (a JWKS, a JWK or PEM) for the decoder, in memory until the
   * vault locks. Public keys only: HMAC secrets are refused here (the CLI takes them explicitly).
   */
  'decoder.trust': {
    input: z.strictObject({ text: z.string().min(1).max(262_144), label: z.string().max(100).optional() }),
    output: trustedKeysOutput,
  },
  'decoder.trustedKeys': { input: empty, output: trustedKeysOutput },
  'decoder.forgetTrusted': { input: empty, output: empty },
  'notices.markRead': {
    input: z.union([
      z.strictObject({ ids: z.array(id).min(1).max(1000) }),
      z.strictObject({ all: z.literal(true) }),
    ]),
    output: z.strictObject({ marked: z.number() }),
  },
  'notices.list': {
    input: z.strictObject({
      unreadOnly: z.boolean().optional(),
      /** Also the notices a more urgent one replaced after a sleep (shown muted). */
      includeSuperseded: z.boolean().optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    output: z.array(noticeSchema),
  },
  'log.list': {
    input: z.strictObject({
      limit: z.number().int().min(1).max(1000).optional(),
      beforeSeq: z.number().int().min(0).optional(),
      integrationId: id.optional(),
    }),
    output: z.array(activityEntryViewSchema),
  },
  'log.verify': {
    input: empty,
    output: z.union([
      z.strictObject({ ok: z.literal(true), entries: z.number(), headHash: z.string() }),
      z.strictObject({
        ok: z.literal(false),
        entries: z.number(),
        firstBadSeq: z.number(),
        reason: z.string(),
      }),
    ]),
  },
  'settings.get': { input: empty, output: settingsSchema },
  /** Asks for a re-authentication when the patch weakens a protection (`weakenedSettings`). */
  'settings.set': {
    input: z.strictObject({ patch: settingsPatchSchema }),
    output: settingsSchema,
    reauth: ['settings.weaken'],
  },
  'backup.list': { input: empty, output: z.array(backupSchema) },
  'backup.now': { input: empty, output: backupSchema },
  /**
   * Restores a backup with the master password it was made with: the vault locks, the current one is
   * kept beside it (`previous`), and the app returns to the unlock screen.
   */
  'backup.restore': {
    input: z.strictObject({ name: z.string().regex(/^keyward-\d{8}T\d{6,9}Z$/), password }),
    output: z.strictObject({ previous: z.string().nullable() }),
  },
  /** Main asks where to save (the OS dialog), then writes the whole log as JSON or CSV; never key material. */
  'log.export': {
    input: z.strictObject({ format: z.enum(['json', 'csv']) }),
    output: z.strictObject({ saved: z.boolean(), entries: z.number() }),
  },
  /**
   * First run on a new computer: main asks which export to open, then makes it this computer's vault
   * (with the master password it was exported with); the app then shows the unlock screen.
   */
  'vault.import': {
    input: z.strictObject({ password }),
    output: z.strictObject({ imported: z.boolean(), status: vaultStatusSchema }),
  },
  /** Main asks where to save, then writes the public JWKS gateways verify Secrets with. */
  'jwks.export': { input: empty, output: z.strictObject({ saved: z.boolean(), keys: z.number() }) },
  /** Main asks where to save, then writes an encrypted export of the whole vault (the CLI imports it). */
  'vault.export': { input: empty, output: z.strictObject({ saved: z.boolean(), bytes: z.number() }) },
  /** Where this vault stands with its Keyward server (`state: 'not-connected'` when none). */
  'server.status': { input: empty, output: syncStatusSchema },
  /**
   * Main asks which certificate to pin (the OS open dialog), reads and checks it, and keeps it for
   * the next `server.connect`; the renderer gets its fingerprint to show, never a path.
   */
  'server.chooseCertificate': {
    input: empty,
    output: z.union([
      z.strictObject({ chosen: z.literal(false) }),
      z.strictObject({
        chosen: z.literal(true),
        /** SHA-256 of the DER, colon-separated upper-case hex (as `openssl x509 -fingerprint`). */
        sha256: z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/),
        subject: z.string().max(1000),
        validTo: z.string().max(100),
      }),
    ]),
  },
  /**
   * Connects the vault to a Keyward server with a one-time enrolment code (guarded): https with the
   * system's CAs, or the certificate chosen with `server.chooseCertificate` (named by its
   * fingerprint); plain http on loopback only. Enrols this device and publishes a full snapshot.
   */
  'server.connect': {
    input: z.strictObject({
      url: z.string().min(1).max(2048),
      code: z.string().trim().min(1).max(200),
      deviceName: z.string().trim().min(1).max(100).optional(),
      pinnedCertSha256: z
        .string()
        .regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/)
        .optional(),
    }),
    output: syncStatusSchema,
    reauth: ['server.connect'],
  },
  /** Sends the changes waiting in the outbox now; offline is not an error (the status says it). */
  'server.publish': { input: empty, output: syncStatusSchema },
  /** Forgets the server, this device's key and the outbox (the server is asked to revoke the device first). */
  'server.disconnect': { input: z.strictObject({ confirmed: z.literal(true) }), output: syncStatusSchema },
  /** An integration's usage from the server's request log (`NOT_CONNECTED` without a server). */
  'usage.integration': { input: z.strictObject({ integrationId: id }), output: integrationUsageSchema },
} as const satisfies Record<string, ChannelSpec>;

/** The events main sends to the renderer, with their payloads. */
export const events = {
  'vault.locked': z.strictObject({ reason: z.string().max(MAX_ID) }),
  'notices.fired': z.strictObject({ notices: z.array(noticeSchema) }),
  /**
   * The clipboard guard's progress: `copied` (counting down to `clearAt`), `cleared` (the copy was
   * taken off), `left-alone` (the user had copied something else by then, so nothing was cleared).
   */
  'clipboard.changed': z.strictObject({
    kind: z.enum(['copied', 'cleared', 'left-alone']),
    clearAt: nullableNumber,
    /** A target could not be read or cleared (so "left alone" is not the user's doing). */
    failed: z.boolean(),
  }),
  /** The sync status, sent on every change (a publish, an offline server, a change waiting, …). */
  'sync.status': syncStatusSchema,
} as const;

/** A channel name. */
export type Channel = keyof typeof contract;
/** What a channel takes (after parsing). */
export type Input<C extends Channel> = z.output<(typeof contract)[C]['input']>;
/** What the renderer sends for a channel (before parsing: defaults may be left out). */
export type InputArg<C extends Channel> = z.input<(typeof contract)[C]['input']>;
/** What a channel returns. */
export type Output<C extends Channel> = z.output<(typeof contract)[C]['output']>;
/** A channel that may answer `REAUTH_REQUIRED` (it declares `reauth`). */
export type ReauthChannel = {
  [C in Channel]: (typeof contract)[C] extends { reauth: readonly GuardedAction[] } ? C : never;
}[Channel];
/** The guarded actions `channel` declares (empty: it never asks for a re-authentication). */
export function reauthActions(channel: Channel): readonly GuardedAction[] {
  const spec: ChannelSpec = contract[channel];
  return spec.reauth ?? [];
}
/** An event name. */
export type EventName = keyof typeof events;
/** An event's payload. */
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What every IPC call answers: a value, or a typed error — never a stack, never a throw. */
export type IpcResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string; retryAfterMs?: number } };

// Compile-time: the name lists the preload uses are exactly the contract's keys.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const channelsMatch: Same<(typeof CHANNELS)[number], Channel> = true;
const eventsMatch: Same<(typeof EVENTS)[number], EventName> = true;
const reauthMatch: Same<(typeof REAUTH_CHANNELS)[number], ReauthChannel> = true;
void channelsMatch;
void eventsMatch;
void reauthMatch;
