import { z } from 'zod';

/**
 * Usage back from a Keyward server's request log (`GET /v1/usage/summary`): what the desktop and
 * `keyward usage` show per integration — each key's last use and a 30-day sparkline, the calls of
 * the last 24 hours (the old key's, during grace, tell whether grace can end now), and the most
 * recent calls with their outcome (e.g. someone still calling with a revoked key). Facts only: ids,
 * times, outcome codes and client IPs, never a credential.
 */

/** How many daily buckets the sparkline has. */
export const USAGE_DAYS = 30;

/** How many recent calls a summary lists at most. */
export const USAGE_RECENT_MAX = 50;

const epochMs = z.number().int().min(0);

/** One key's usage, as the server's log saw it. */
export const keyUsageSchema = z.strictObject({
  keyId: z.string().min(1).max(100),
  /** The last verification of this key that was accepted (`OK`), or null if never. */
  lastUsedAt: epochMs.nullable(),
  /**
   * Accepted verifications per day, oldest first: bucket `i` counts `[until - (30 - i) days,
   * until - (29 - i) days)`, so the last bucket is the 24 hours up to `until`.
   */
  daily: z.array(z.number().int().min(0)).length(USAGE_DAYS),
  /** Calls naming this key in the 24 hours up to `until`, whatever their outcome. */
  callsLast24h: z.number().int().min(0),
});

/** See {@link keyUsageSchema}. */
export type KeyUsage = z.infer<typeof keyUsageSchema>;

/** One call from the request log. */
export const usageCallSchema = z.strictObject({
  at: epochMs,
  /** The key the credential named, or null when it named none (e.g. `KEY_UNKNOWN`). */
  keyId: z.string().min(1).max(100).nullable(),
  /** `OK` or a refusal code (`KEY_REVOKED`, `RATE_LIMITED`, …). */
  outcome: z.string().min(1).max(40),
  clientIp: z.string().min(1).max(64),
  /**
   * How many such calls (same key, outcome and address) came within the second from `at`; absent
   * for one. The server's request log counts a burst of alike calls in one entry.
   */
  calls: z.number().int().min(2).optional(),
});

/** See {@link usageCallSchema}. */
export type UsageCall = z.infer<typeof usageCallSchema>;

/** The answer of `GET /v1/usage/summary?integrationId=…`. */
export const integrationUsageSchema = z.strictObject({
  integrationId: z.string().min(1).max(100),
  /** The server's time the summary was made at (epoch ms): the end of the last bucket. */
  until: epochMs,
  /** One entry per key of the integration that the server knows, in no particular order. */
  keys: z.array(keyUsageSchema),
  /** The integration's most recent calls, newest first, at most {@link USAGE_RECENT_MAX}. */
  recent: z.array(usageCallSchema).max(USAGE_RECENT_MAX),
});

/** See {@link integrationUsageSchema}. */
export type IntegrationUsage = z.infer<typeof integrationUsageSchema>;
