import { z } from 'zod';
import { apiKeyViewSchema } from './api-key.ts';
import { PLATFORMS } from './integration.ts';

/** The columns the desktop's key table sorts by. */
export const KEY_TABLE_SORTS = [
  'integration',
  'platform',
  'status',
  'expiresAt',
  'graceEndsAt',
  'lastUsedAt',
  'createdAt',
] as const;
/** One of {@link KEY_TABLE_SORTS}. */
export type KeyTableSort = (typeof KEY_TABLE_SORTS)[number];

/** Sort directions of the key table. */
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
/** One of {@link SORT_DIRECTIONS}. */
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

/** What the key table asks for: one page of every key, filtered as you type and sorted. */
export const keyTableQuerySchema = z.strictObject({
  /** Integration name, key prefix or masked key (substring, case-insensitive), platform or status (exact). */
  term: z.string().max(200),
  sort: z.enum(KEY_TABLE_SORTS),
  direction: z.enum(SORT_DIRECTIONS),
  offset: z.number().int().min(0).max(10_000_000),
  limit: z.number().int().min(1).max(1000),
});
/** A parsed key table query. */
export type KeyTableQuery = z.infer<typeof keyTableQuerySchema>;

/** One row of the key table: a key (masked) with what the table shows of its integration. */
export const keyTableRowSchema = z.strictObject({
  key: apiKeyViewSchema,
  integrationName: z.string(),
  platform: z.enum(PLATFORMS),
  /** API access enabled for the integration. */
  enabled: z.boolean(),
  neverExpire: z.boolean(),
});
/** One row of the key table. */
export type KeyTableRow = z.infer<typeof keyTableRowSchema>;
