import { z } from 'zod';
import { REFUSAL_CODES } from '../keys/acceptance.ts';

/**
 * "Test via server" (`POST /v1/test`, device-authenticated): the desktop or CLI asks the server to
 * verify a credential exactly as `/v1/verify` would — the same index, accepted-credential mode and
 * acceptance rule — optionally as if the call came from `clientIp` (the IP ACL), without a
 * gateway. The call is logged like any verification; it does not count against rate limits.
 */
export const serverTestRequestSchema = z.strictObject({
  /** The raw API key or a Secret. */
  credential: z.string().min(1).max(8192),
  /** Check the integration's IP ACL as if the call came from this address. */
  clientIp: z.string().min(1).max(64).optional(),
});

/** See {@link serverTestRequestSchema}. */
export type ServerTestRequest = z.infer<typeof serverTestRequestSchema>;

/** The server's verdict. */
export const serverTestResultSchema = z.discriminatedUnion('accepted', [
  z.strictObject({
    accepted: z.literal(true),
    integrationId: z.string(),
    keyId: z.string(),
    status: z.string(),
    expiresAt: z.number().int().nullable(),
    graceEndsAt: z.number().int().nullable(),
    /** The server's time of the check (epoch ms). */
    checkedAt: z.number().int(),
  }),
  z.strictObject({
    accepted: z.literal(false),
    code: z.enum(REFUSAL_CODES),
    message: z.string(),
    checkedAt: z.number().int(),
  }),
]);

/** See {@link serverTestResultSchema}. */
export type ServerTestResult = z.infer<typeof serverTestResultSchema>;
