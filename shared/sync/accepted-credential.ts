import { z } from 'zod';

/**
 * Which credential a verifier takes for an integration (docs/domain-rules.md, "Integrations", `accepts`):
 *
 * - `key-or-secret` (the default): the raw API key or a Secret carrying it;
 * - `secret-only`: a raw key is refused with `SECRET_REQUIRED`, so a leaked Secret stops working at
 *   its `exp` (hours), not at the key's expiry (a year);
 * - `key-only`: Secrets are refused, only the raw key is taken.
 */
export const ACCEPTED_CREDENTIALS = ['key-or-secret', 'secret-only', 'key-only'] as const;

/** One of {@link ACCEPTED_CREDENTIALS}. */
export type AcceptedCredential = (typeof ACCEPTED_CREDENTIALS)[number];

/** The default: a raw key or a Secret. */
export const DEFAULT_ACCEPTED_CREDENTIAL: AcceptedCredential = 'key-or-secret';

/** Zod schema of {@link AcceptedCredential}. */
export const acceptedCredentialSchema = z.enum(ACCEPTED_CREDENTIALS);
