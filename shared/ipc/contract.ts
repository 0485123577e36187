/**
 * The IPC contract: every channel the renderer may call, with the zod schemas of its input and
 * output, and every event main sends. Main validates inputs and outputs against it, the preload
 * builds the bridge from its names, and the renderer's client is typed by it. See README.md.
 *
 * Key material crosses IPC on exactly one channel: `keys.reveal`. Every other output schema is a
 * strict object without any field that could carry it, so a handler that returns one fails.
 */
import { z } from 'zod';
import { integrationCreateSchema, integrationEditSchema, PLATFORMS } from '../domain/integration.ts';
import { settingsPatchSchema, settingsSchema } from '../domain/settings.ts';
import type { CHANNELS, EVENTS } from './channels.ts';

const MAX_ID = 100;
const id = z.string().min(1).max(MAX_ID);
const password = z.string().min(1).max(1024);
const nullableNumber = z.number().nullable();
const empty = z.strictObject({});

/** An integration as the UI sees it (no key material). */
export const integrationSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  website: z.string().nullable(),
  platform: z.enum(PLATFORMS),
  ipAcl: z.array(z.string()),
  prefix: z.string(),
  rotationDays: z.number(),
  graceDays: z.number(),
  neverExpire: z.boolean(),
  enabled: z.boolean(),
  notes: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

/** A key as tables show it: masked, never the material. */
export const apiKeyViewSchema = z.strictObject({
  id: z.string(),
  integrationId: z.string(),
  masked: z.string(),
  status: z.enum(['active', 'grace', 'expired', 'revoked']),
  createdAt: z.number(),
  expiresAt: nullableNumber,
  graceEndsAt: nullableNumber,
  endedAt: nullableNumber,
  lastUsedAt: nullableNumber,
  replacedBy: z.string().nullable(),
});

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

/** A fired notice. */
export const noticeSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(['expires-soon', 'grace-ending', 'expired', 'rotated', 'rotation-failed']),
  integrationId: z.string().nullable(),
  integrationName: z.string(),
  keyId: z.string().nullable(),
  dueAt: z.number(),
  firedAt: z.number(),
  superseded: z.boolean(),
  message: z.string(),
  readAt: nullableNumber,
});

/** An activity log entry. */
export const activityEntrySchema = z.strictObject({
  seq: z.number(),
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  integrationId: z.string().nullable(),
  keyId: z.string().nullable(),
  outcome: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  prevHash: z.string(),
  hash: z.string(),
});

const reauthOutput = z.strictObject({ freshForMs: z.number() });

/**
 * The contract: channel → `{ input, output }`. Inputs are strict objects with bounded strings;
 * outputs are strict objects, so an unexpected field fails output validation instead of crossing.
 */
export const contract = {
  'vault.status': { input: empty, output: vaultStatusSchema },
  'vault.create': {
    input: z.strictObject({ password, remember: z.boolean() }),
    output: vaultStatusSchema,
  },
  'vault.unlock': {
    input: z.union([z.strictObject({ password }), z.strictObject({ keychain: z.literal(true) })]),
    output: vaultStatusSchema,
  },
  'vault.lock': { input: empty, output: vaultStatusSchema },
  'reauth.password': { input: z.strictObject({ password }), output: reauthOutput },
  'reauth.totp': { input: z.strictObject({ code: z.string().regex(/^\d{6,8}$/) }), output: reauthOutput },
  'integrations.search': {
    input: z.strictObject({
      term: z.string().max(200),
      offset: z.number().int().min(0).max(10_000_000),
      limit: z.number().int().min(1).max(1000),
    }),
    output: z.strictObject({
      total: z.number(),
      offset: z.number(),
      items: z.array(
        z.strictObject({ integration: integrationSchema, activeKey: apiKeyViewSchema.nullable() }),
      ),
    }),
  },
  'integrations.create': {
    input: z.strictObject({
      integration: integrationCreateSchema,
      confirmNeverExpire: z.boolean().optional(),
    }),
    output: z.strictObject({ integration: integrationSchema, key: apiKeyViewSchema }),
  },
  'integrations.edit': {
    input: z.strictObject({ integrationId: id, patch: integrationEditSchema }),
    output: integrationSchema,
  },
  'integrations.setEnabled': {
    input: z.strictObject({ integrationId: id, enabled: z.boolean() }),
    output: integrationSchema,
  },
  'keys.list': { input: z.strictObject({ integrationId: id.optional() }), output: z.array(apiKeyViewSchema) },
  'keys.rotate': { input: z.strictObject({ integrationId: id }), output: apiKeyViewSchema },
  'keys.revoke': {
    input: z.strictObject({
      integrationId: id,
      graceDays: z.number().int().min(0).max(30),
      newLifetimeDays: z.number().int().min(1).max(365).nullable(),
      confirmNeverExpire: z.boolean().optional(),
    }),
    output: apiKeyViewSchema,
  },
  /** The ONLY channel whose output carries key material; the engine gates it behind re-auth and logs it. */
  'keys.reveal': { input: z.strictObject({ keyId: id }), output: z.strictObject({ material: z.string() }) },
  'decoder.decode': {
    input: z.strictObject({ input: z.string().max(65_536) }),
    // The decoder's report is large and nested; it masks key material itself (electron/vault/README.md).
    output: z.union([
      z.strictObject({ ok: z.literal(true), value: z.record(z.string(), z.unknown()) }),
      z.strictObject({ ok: z.literal(false), error: z.record(z.string(), z.unknown()) }),
    ]),
  },
  'notices.list': {
    input: z.strictObject({
      unreadOnly: z.boolean().optional(),
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
    output: z.array(activityEntrySchema),
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
  'settings.set': { input: z.strictObject({ patch: settingsPatchSchema }), output: settingsSchema },
} as const;

/** The events main sends to the renderer, with their payloads. */
export const events = {
  'vault.locked': z.strictObject({ reason: z.string().max(MAX_ID) }),
  'notices.fired': z.strictObject({ notices: z.array(noticeSchema) }),
  'clipboard.countdown': z.strictObject({ secondsLeft: z.number().int().min(0) }),
} as const;

/** A channel name. */
export type Channel = keyof typeof contract;
/** What a channel takes (after parsing). */
export type Input<C extends Channel> = z.output<(typeof contract)[C]['input']>;
/** What the renderer sends for a channel (before parsing: defaults may be left out). */
export type InputArg<C extends Channel> = z.input<(typeof contract)[C]['input']>;
/** What a channel returns. */
export type Output<C extends Channel> = z.output<(typeof contract)[C]['output']>;
/** An event name. */
export type EventName = keyof typeof events;
/** An event's payload. */
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What every IPC call answers: a value, or a typed error — never a stack, never a throw. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

// Compile-time: the name lists the preload uses are exactly the contract's keys.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const channelsMatch: Same<(typeof CHANNELS)[number], Channel> = true;
const eventsMatch: Same<(typeof EVENTS)[number], EventName> = true;
void channelsMatch;
void eventsMatch;
