import { z } from 'zod';
import { publishedKeySchema } from '../keys/published-key.ts';
import { acceptedCredentialSchema } from './accepted-credential.ts';
import { rateLimitSchema } from './rate-limit.ts';

/**
 * The publish protocol between a vault (desktop or CLI) and a Keyward server: what the vault
 * pushes so the server can verify keys with no desktop online. It carries published facts only —
 * lookup hashes, ids, names, times, status, access settings and Ed25519 public keys — never key
 * material. Every vault-side operation maps onto these facts: create, rotate, revoke, regenerate
 * and end grace are `putKey` (the key's new facts); enable/disable, ACL and detail edits,
 * accepted credential and rate limit are `putIntegration`; delete is `deleteKey` /
 * `deleteIntegration`; signing-key changes are `putSigningKey` / `deleteSigningKey`.
 */

// The rate limit lives in rate-limit.ts (so shared/domain can import it without a cycle); re-exported here.
export { rateLimitSchema } from './rate-limit.ts';
export type { RateLimit } from './rate-limit.ts';

/** The published facts of an integration: what every one of its keys shares. */
export const publishedIntegrationSchema = publishedKeySchema
  .pick({
    integrationId: true,
    integrationName: true,
    neverExpire: true,
    graceDays: true,
    enabled: true,
    ipAcl: true,
  })
  .extend({ accepts: acceptedCredentialSchema, rateLimit: rateLimitSchema.nullable() });

/** See {@link publishedIntegrationSchema}. */
export type PublishedIntegration = z.infer<typeof publishedIntegrationSchema>;

/** The published facts of a key that are its own (the integration's are in {@link PublishedIntegration}). */
export const publishedKeyFactsSchema = publishedKeySchema.pick({
  keyId: true,
  integrationId: true,
  lookupHash: true,
  status: true,
  createdAt: true,
  expiresAt: true,
  graceEndsAt: true,
  endedAt: true,
});

/** See {@link publishedKeyFactsSchema}. */
export type PublishedKeyFacts = z.infer<typeof publishedKeyFactsSchema>;

/** An Ed25519 public key that verifies a vault's Secrets (a JWK `{kty: "OKP", crv: "Ed25519", x}`). */
export const publishedSigningKeySchema = z.strictObject({
  kid: z.string().min(1).max(200),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'x must be 32 bytes in unpadded base64url'),
  createdAt: z.number().int().min(0),
  /**
   * When the vault rotated away from this key (epoch ms), or null while it is current. A server
   * refuses Secrets this key signed after then (it signs none: they are forged), and drops the key
   * once every Secret it signed has expired. Absent (older desktops) counts as null.
   */
  retiredAt: z.number().int().min(0).nullable().optional(),
});

/** See {@link publishedSigningKeySchema}. */
export type PublishedSigningKey = z.infer<typeof publishedSigningKeySchema>;

/** One change in a batch. */
export const publishOpSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('putIntegration'), integration: publishedIntegrationSchema }),
  z.strictObject({ op: z.literal('deleteIntegration'), integrationId: z.string().min(1).max(100) }),
  z.strictObject({ op: z.literal('putKey'), key: publishedKeyFactsSchema }),
  z.strictObject({ op: z.literal('deleteKey'), keyId: z.string().min(1).max(100) }),
  z.strictObject({ op: z.literal('putSigningKey'), signingKey: publishedSigningKeySchema }),
  z.strictObject({ op: z.literal('deleteSigningKey'), kid: z.string().min(1).max(200) }),
]);

/** See {@link publishOpSchema}. */
export type PublishOp = z.infer<typeof publishOpSchema>;

/** The most operations one batch may carry (a full snapshot of a large vault fits). */
export const PUBLISH_MAX_OPS = 500_000;

/**
 * One atomic, revisioned batch: applied all or nothing. `batchId` makes a retry idempotent (the
 * outbox resends a batch whose answer it never saw; the server answers with the revision it got
 * the first time). `snapshot: true` replaces everything the server holds with the batch's facts
 * (the first connect). `baseRevision`, when given, must equal the server's revision or the batch is
 * refused with 409 (compare-and-swap for later multi-device sync).
 */
export const publishBatchSchema = z.strictObject({
  batchId: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a lowercase UUID'),
  snapshot: z.boolean().default(false),
  baseRevision: z.number().int().min(0).optional(),
  ops: z.array(publishOpSchema).max(PUBLISH_MAX_OPS),
});

/** See {@link publishBatchSchema}. */
export type PublishBatch = z.infer<typeof publishBatchSchema>;
