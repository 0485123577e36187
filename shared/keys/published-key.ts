import { z } from 'zod';
import { keyStatusSchema } from '../domain/api-key.ts';
import { INTEGRATION_LIMITS } from '../domain/integration.ts';
import { canonicalAcl } from '../net/cidr.ts';
import { LOOKUP_HASH_PATTERN } from './lookup-hash.ts';

const epochMs = z.number().int().min(0);

/**
 * The published facts of one API key: everything a verifier needs to answer "is this key accepted
 * now?" with no desktop running, and nothing more (never the material). The vault publishes these
 * (today the engine's master list; with issue 11 the server's snapshot), and `keyAcceptance` in
 * `acceptance.ts` decides from them.
 *
 * - `lookupHash`: see `lookup-hash.ts` (SHA-256 of the key, lowercase hex).
 * - `status` is the status the vault last recorded; time alone can move it on (an active key past
 *   `expiresAt` is in the grace its automatic rotation gives it, a grace key past `graceEndsAt` has
 *   expired) — `keyStatusAt` in `acceptance.ts` says where it stands at a given time.
 * - Times are epoch milliseconds. `expiresAt` is null for a key that never expires.
 * - `neverExpire`, `graceDays`, `enabled` and `ipAcl` are the integration's (canonical CIDR entries;
 *   empty = any address).
 */
export const publishedKeySchema = z.strictObject({
  keyId: z.string().min(1).max(100),
  integrationId: z.string().min(1).max(100),
  integrationName: z.string().min(1).max(INTEGRATION_LIMITS.nameMax),
  lookupHash: z.string().regex(LOOKUP_HASH_PATTERN, 'lookupHash must be 64 lowercase hex digits'),
  status: keyStatusSchema,
  createdAt: epochMs,
  expiresAt: epochMs.nullable(),
  graceEndsAt: epochMs.nullable(),
  endedAt: epochMs.nullable(),
  neverExpire: z.boolean(),
  graceDays: z.number().int().min(INTEGRATION_LIMITS.graceDays.min).max(INTEGRATION_LIMITS.graceDays.max),
  enabled: z.boolean(),
  ipAcl: z
    .array(z.string())
    .max(INTEGRATION_LIMITS.aclMax)
    .refine((list) => canonicalAcl(list).ok, 'ipAcl must be a list of CIDR entries'),
});

/** The published facts of one key (today's `AcceptedKey`): see {@link publishedKeySchema}. */
export type PublishedKey = z.infer<typeof publishedKeySchema>;
