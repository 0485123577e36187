import { z } from 'zod';

/**
 * What a notice is about (docs/domain-rules.md, "Notices"): an active key expires soon (lead days,
 * 7 days, 1 day before), a grace period ends within 3 days, a key expired, a rotation happened or
 * failed, or the daily backup failed (about the vault, not an integration). The vault's
 * `notices.kind` column has the same CHECK (migration 0003).
 */
export const NOTICE_KINDS = [
  'expires-soon',
  'grace-ending',
  'expired',
  'rotated',
  'rotation-failed',
  'backup-failed',
] as const;
/** A notice's kind: one of {@link NOTICE_KINDS}. */
export const noticeKindSchema = z.enum(NOTICE_KINDS);
/** What a notice is about. */
export type NoticeKind = z.infer<typeof noticeKindSchema>;

/** A fired notice, as every interface shows it. */
export const noticeSchema = z.strictObject({
  id: z.string(),
  kind: noticeKindSchema,
  integrationId: z.string().nullable(),
  integrationName: z.string(),
  keyId: z.string().nullable(),
  dueAt: z.number(),
  firedAt: z.number(),
  /** Recorded but not shown: a more urgent notice about the same key fired at the same catch-up. */
  superseded: z.boolean(),
  message: z.string(),
  readAt: z.number().nullable(),
});
/** A fired notice. */
export type Notice = z.infer<typeof noticeSchema>;
