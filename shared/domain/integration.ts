import { z } from 'zod';
import { PREFIX_PATTERN } from '../keys/key-prefix.ts';

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

const name = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(INTEGRATION_LIMITS.nameMax, `name must be at most ${INTEGRATION_LIMITS.nameMax} characters`)
  .refine(
    (value) => ![...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f),
    'name must not contain control characters',
  );

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
  createdAt: z.number(),
  updatedAt: z.number(),
});
/** An integration as every interface shows it (no key material). */
export type Integration = z.infer<typeof integrationSchema>;

/** The case-insensitive form names are unique under. */
export function integrationNameKey(value: string): string {
  return value.trim().normalize('NFKC').toLowerCase();
}
