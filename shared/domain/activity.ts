import { z } from 'zod';

/** Small, non-secret facts about an activity log entry (counts, choices, statuses) — never key material. */
export const activityDetailsSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);
/** An entry's details. */
export type ActivityDetails = z.infer<typeof activityDetailsSchema>;

/**
 * An activity log entry as stored (docs/domain-rules.md, "Activity log"): hash-chained, each entry
 * sealing the previous entry's hash. `action` and `outcome` are the engine's stable vocabulary.
 */
export const activityEntrySchema = z.strictObject({
  seq: z.number(),
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  integrationId: z.string().nullable(),
  keyId: z.string().nullable(),
  outcome: z.string(),
  details: activityDetailsSchema,
  prevHash: z.string(),
  hash: z.string(),
});
/** A stored activity log entry. */
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

/** An entry as the interfaces list it: with the integration's current name. */
export const activityEntryViewSchema = activityEntrySchema.extend({
  /** The integration's current name (null: none, or since deleted — the log keeps only its id). */
  integrationName: z.string().nullable(),
});
