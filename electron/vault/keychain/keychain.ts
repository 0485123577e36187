/**
 * The OS keychain as the engine needs it: a small secret store keyed by account name.
 * Implementations throw KeywardError('KEYCHAIN_UNAVAILABLE') when there is no usable store
 * (headless Linux without a Secret Service, a locked or refusing keychain) — never a fallback.
 */
export interface Keychain {
  /** Stores (or replaces) the secret for `account`. */
  set(account: string, secret: string): Promise<void>;
  /** The secret for `account`, or null when none is stored. */
  get(account: string): Promise<string | null>;
  /** Removes the secret; true when one was removed. */
  delete(account: string): Promise<boolean>;
  /** Whether a keychain can be used right now, and if not, why. */
  probe(): Promise<{ available: true } | { available: false; reason: string }>;
}
