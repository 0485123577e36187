import { z } from 'zod';

/** An optional per-integration rate limit: at most `requests` verifications per `windowSeconds`. */
export const rateLimitSchema = z.strictObject({
  requests: z.number().int().min(1).max(1_000_000),
  windowSeconds: z.number().int().min(1).max(86_400),
});

/** See {@link rateLimitSchema}. */
export type RateLimit = z.infer<typeof rateLimitSchema>;
