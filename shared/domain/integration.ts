import { z } from 'zod';
import { PREFIX_PATTERN } from '../keys/key-prefix.ts';
import { describeChar } from '../encoding/describe-char.ts';
import { acceptedCredentialSchema } from '../sync/accepted-credential.ts';
import { rateLimitSchema } from '../sync/rate-limit.ts';

/** Platforms an integration can run on. */
export const PLATFORMS = ['web', 'mobile', 'desktop', 'server', 'other'] as const;
/** One of {@link PLATFORMS}. */
export type Platform = (typeof PLATFORMS)[number];

/** Bounds from docs/domain-rules.md, "Integrations". */
export const INTEGRATION_LIMITS = {
  nameMax: 100,
  notesMax: 2000,
  rotationDays: { min: 1, max: 365, default: 365 },
  graceDays: { min: 0, max: 30, default: 30 },
  aclMax: 256,
} as const;

/** The default key prefix. */
export const DEFAULT_PREFIX = 'kw_';

/** 2–8 characters of `[a-z0-9]`, ending in `_` (defined in shared/keys/key-prefix.ts). */
export { PREFIX_PATTERN };

/**
 * Characters a name may not hold because they cannot be seen or they reorder what is seen, so a
 * look-alike could sit next to a real name: format characters (zero-width space U+200B, joiners,
 * the bidi controls U+202A–U+202E and U+2066–U+2069, the BOM, the soft hyphen…), line and paragraph
 * separators, the Hangul fillers and the Braille blank that render as nothing, and C1 controls.
 */
const INVISIBLE_OR_BIDI = /[\p{Cf}\p{Zl}\p{Zp}\u0080-\u009f\u115f\u1160\u3164\uffa0\u2800]/u;

/**
 * Where `value` holds a character {@link integrationCreateSchema} refuses in a name (a control,
 * invisible or bidi character), as an index; -1 when there is none.
 */
export function findDisallowedNameChar(value: string): number {
  for (let index = 0; index < value.length; index++) {
    const codePoint = value.codePointAt(index) ?? 0;
    const char = String.fromCodePoint(codePoint);
    if (codePoint < 0x20 || codePoint === 0x7f || INVISIBLE_OR_BIDI.test(char)) {
      return index;
    }
    if (codePoint > 0xffff) {
      index++;
    }
  }
  return -1;
}

const name = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(INTEGRATION_LIMITS.nameMax, `name must be at most ${INTEGRATION_LIMITS.nameMax} characters`)
  .superRefine((value, context) => {
    const index = findDisallowedNameChar(value);
    if (index >= 0) {
      const codePoint = value.codePointAt(index) ?? 0;
      context.addIssue({
        code: 'custom',
        message:
          codePoint < 0x20 || codePoint === 0x7f
            ? 'name must not contain control characters'
            : `name must not contain invisible or text-direction characters: ${describeChar(value, index)} at position ${[...value.slice(0, index)].length + 1}`,
      });
    }
  });

const website = z
  .string()
  .trim()
  .max(2048, 'website must be at most 2048 characters')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
    } catch {
      // Not a URL: the refinement fails with its message — validation, not a fault.
      return false;
    }
  }, 'website must be an absolute http(s) URL, e.g. https://example.com');

const days = (label: string, bounds: { min: number; max: number }) =>
  z
    .number({ error: `${label} must be a whole number` })
    .int(`${label} must be a whole number`)
    .min(bounds.min, `${label} must be between ${bounds.min} and ${bounds.max}`)
    .max(bounds.max, `${label} must be between ${bounds.min} and ${bounds.max}`);

/** The IP ACL as given: CIDR text, each entry bounded (the longest IPv6 CIDR is 43 characters). */
const aclEntries = z
  .array(z.string().max(64, 'an IP allow list entry is at most 64 characters'))
  .max(INTEGRATION_LIMITS.aclMax);

/** Input to create an integration. Unset fields take the vault's defaults. */
export const integrationCreateSchema = z.strictObject({
  name,
  website: website.nullable().optional(),
  platform: z.enum(PLATFORMS, { error: `platform must be one of ${PLATFORMS.join(', ')}` }),
  ipAcl: aclEntries.optional(),
  prefix: z
    .string()
    .regex(PREFIX_PATTERN, 'prefix must be 2–8 characters of a–z and 0–9 ending in "_", e.g. "cb_"')
    .optional(),
  rotationDays: days('rotationDays', INTEGRATION_LIMITS.rotationDays).optional(),
  graceDays: days('graceDays', INTEGRATION_LIMITS.graceDays).optional(),
  neverExpire: z.boolean().optional(),
  enabled: z.boolean().optional(),
  notes: z
    .string()
    .max(INTEGRATION_LIMITS.notesMax, `notes must be at most ${INTEGRATION_LIMITS.notesMax} characters`)
    .nullable()
    .optional(),
  /** Which credential verifiers take (default `key-or-secret`); published to the server. */
  accepts: acceptedCredentialSchema.optional(),
  /** An optional rate limit the server applies (null or unset: none); published. */
  rateLimit: rateLimitSchema.nullable().optional(),
});
/** Parsed create input. */
export type IntegrationCreateInput = z.infer<typeof integrationCreateSchema>;

/**
 * Input to edit an integration: details and IP ACL, never key material. The prefix is fixed per
 * integration; never-expire and enabled have their own confirmed operations.
 */
export const integrationEditSchema = z.strictObject({
  name: name.optional(),
  website: website.nullable().optional(),
  platform: z.enum(PLATFORMS).optional(),
  ipAcl: aclEntries.optional(),
  rotationDays: days('rotationDays', INTEGRATION_LIMITS.rotationDays).optional(),
  graceDays: days('graceDays', INTEGRATION_LIMITS.graceDays).optional(),
  notes: z.string().max(INTEGRATION_LIMITS.notesMax).nullable().optional(),
  accepts: acceptedCredentialSchema.optional(),
  /** null removes the limit. */
  rateLimit: rateLimitSchema.nullable().optional(),
});
/** Parsed edit input. */
export type IntegrationEditInput = z.infer<typeof integrationEditSchema>;

/** An integration as every interface shows it (no key material). */
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
  /** Which credential verifiers take (shared/sync/accepted-credential.ts). */
  accepts: acceptedCredentialSchema,
  /** The server's per-integration rate limit, or null for none. */
  rateLimit: rateLimitSchema.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
/** An integration as every interface shows it (no key material). */
export type Integration = z.infer<typeof integrationSchema>;

/** The case-insensitive form names are unique under. */
export function integrationNameKey(value: string): string {
  return value.trim().normalize('NFKC').toLowerCase();
}
