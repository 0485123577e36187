/** Lifecycle states of an API key (SPEC.md §1). */
export type KeyStatus = 'active' | 'grace' | 'expired' | 'revoked';

/** A key as lists and tables show it: masked, never the material. */
export interface ApiKeyView {
  id: string;
  integrationId: string;
  /** First 8 characters and `…`. */
  masked: string;
  status: KeyStatus;
  createdAt: number;
  /** Null when the key never expires. */
  expiresAt: number | null;
  graceEndsAt: number | null;
  endedAt: number | null;
  lastUsedAt: number | null;
  replacedBy: string | null;
}

/** Revoke options: how long the old key keeps working, and the new key's lifetime. */
export interface RevokeOptions {
  /** 0–30; 0 stops the old key at once. */
  graceDays: number;
  /** 1–365 days, or null for a key that never expires (needs confirmation). */
  newLifetimeDays: number | null;
}

/** Bounds for revoke. */
export const REVOKE_LIMITS = { graceDays: { min: 0, max: 30 }, lifetimeDays: { min: 1, max: 365 } } as const;
