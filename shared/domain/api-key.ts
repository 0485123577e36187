import { z } from 'zod';

/** Lifecycle states of an API key (docs/domain-rules.md, "Keys"), in lifecycle order. */
export const KEY_STATUSES = ['active', 'grace', 'expired', 'revoked'] as const;
/** A key's status: one of {@link KEY_STATUSES}. */
export const keyStatusSchema = z.enum(KEY_STATUSES);
/** Lifecycle states of an API key. */
export type KeyStatus = z.infer<typeof keyStatusSchema>;

/** A key as lists and tables show it: masked, never the material (a strict object: no field can carry it). */
export const apiKeyViewSchema = z.strictObject({
  id: z.string(),
  integrationId: z.string(),
  /** First 8 characters and `…`. */
  masked: z.string(),
  status: keyStatusSchema,
  createdAt: z.number(),
  /** Null when the key never expires. */
  expiresAt: z.number().nullable(),
  graceEndsAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
  replacedBy: z.string().nullable(),
});
/** A key as lists and tables show it: masked, never the material. */
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

/** Bounds for revoke: grace 0–30 days (0 stops the old key at once), new lifetime 1–365 days. */
export const REVOKE_LIMITS = { graceDays: { min: 0, max: 30 }, lifetimeDays: { min: 1, max: 365 } } as const;

/** Whole days within `bounds`; every message names the range (the interfaces show it as is). */
function wholeDays(what: string, bounds: { min: number; max: number }) {
  const message = `${what} must be a whole number of days from ${bounds.min} to ${bounds.max}`;
  return z.number({ error: message }).int(message).min(bounds.min, message).max(bounds.max, message);
}

/** How long the old key keeps working after a revoke: 0–30 days (0 = status `revoked` at once). */
export const graceDaysSchema = wholeDays('grace', REVOKE_LIMITS.graceDays);
/** The revoked key's replacement's lifetime: 1–365 days (null — never expires — is a separate choice). */
export const lifetimeDaysSchema = wholeDays('the new key’s lifetime', REVOKE_LIMITS.lifetimeDays);

/**
 * Revoke options, the one schema behind the IPC contract, the engine, the revoke dialog and
 * `keyward keys revoke`: how long the old key keeps working, and the new key's lifetime (null = a key
 * that never expires, which needs a confirmation on top).
 */
export const revokeOptionsSchema = z.strictObject({
  graceDays: graceDaysSchema,
  newLifetimeDays: lifetimeDaysSchema.nullable(),
});
/** Parsed revoke options. */
export type RevokeOptions = z.infer<typeof revokeOptionsSchema>;
