import type { ApiKeyView } from './api-key.ts';
import type { Platform } from './integration.ts';

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

/** One row of the key table: a key (masked) with what the table shows of its integration. */
export interface KeyTableRow {
  key: ApiKeyView;
  integrationName: string;
  platform: Platform;
  /** API access enabled for the integration. */
  enabled: boolean;
  neverExpire: boolean;
}
