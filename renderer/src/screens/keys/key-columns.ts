import type { KeyTableSort, SortDirection } from '../../../../shared/domain/key-table.ts';

/** One column of the key table. */
export interface KeyColumn {
  id: KeyTableSort | 'key';
  label: string;
  /** What clicking its header sorts by (null: not sortable). */
  sort: KeyTableSort | null;
  /** The direction a first click sorts in: soonest or newest first where that is what one looks for. */
  firstDirection: SortDirection;
}

/** The columns, in order (docs/domain-rules.md, "Desktop app": integration, platform, masked key, status, expires in, grace ends, last used, created). */
export const KEY_COLUMNS: readonly KeyColumn[] = [
  { id: 'integration', label: 'Integration', sort: 'integration', firstDirection: 'asc' },
  { id: 'platform', label: 'Platform', sort: 'platform', firstDirection: 'asc' },
  { id: 'key', label: 'Key', sort: null, firstDirection: 'asc' },
  { id: 'status', label: 'Status', sort: 'status', firstDirection: 'asc' },
  { id: 'expiresAt', label: 'Expires in', sort: 'expiresAt', firstDirection: 'asc' },
  { id: 'graceEndsAt', label: 'Grace ends', sort: 'graceEndsAt', firstDirection: 'asc' },
  { id: 'lastUsedAt', label: 'Last used', sort: 'lastUsedAt', firstDirection: 'desc' },
  { id: 'createdAt', label: 'Created', sort: 'createdAt', firstDirection: 'desc' },
];
