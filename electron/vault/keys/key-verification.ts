import type { ApiKeyView } from '../../../shared/domain/api-key.ts';
import type { Integration } from '../../../shared/domain/integration.ts';
import { compileKeyFacts, keyAcceptance } from '../../../shared/keys/acceptance.ts';
import type { KeyRefusalCode } from '../../../shared/keys/acceptance.ts';
import { lookupHash } from '../../../shared/keys/lookup-hash.ts';
import type { PublishedKey } from '../../../shared/keys/published-key.ts';
import type { StoredKey } from './api-keys.repo.ts';
import type { KeyStore } from './key-store.ts';
import { PublishedKeysRepo } from './published-keys.repo.ts';

/** A master-list entry: the published facts (`shared/keys/published-key.ts`) of a key accepted now. */
export type AcceptedKey = PublishedKey;

/** The outcome of `check()`: the acceptance rule's answer, with the key's published facts when found. */
export type KeyCheck =
  | { accepted: true; key: PublishedKey; status: 'active' | 'grace'; graceEndsAt: number | null }
  | { accepted: false; code: KeyRefusalCode; key: PublishedKey | null };

/**
 * What verifiers see: the master list of keys accepted now, and whether one key's material is
 * accepted (and if not, why). Reads only.
 */
export class KeyVerification {
  private readonly store: KeyStore;
  private readonly published: PublishedKeysRepo;

  constructor(store: KeyStore) {
    this.store = store;
    this.published = new PublishedKeysRepo(store.db);
  }

  /**
   * The master list: every key accepted at `now` (from `clientIp`, when given) by the one acceptance
   * rule (`shared/keys/acceptance.ts`); the SQL only pre-filters.
   */
  masterList(now = this.store.clock.now(), clientIp?: string): AcceptedKey[] {
    return this.published
      .candidates(now)
      .filter((key) => keyAcceptance(compileKeyFacts(key), now, clientIp).accepted);
  }

  /** The vault key whose material is `material` (by hash), with its integration, or null. */
  findByMaterial(material: string): { key: ApiKeyView; integration: Integration } | null {
    const stored: StoredKey | null = this.store.keys.storedByHash(lookupHash(material));
    if (!stored) {
      return null;
    }
    const integration = this.store.integrations.byId(stored.integrationId);
    if (!integration) {
      return null;
    }
    const { material: _material, lookupHash: _hash, ...key } = stored;
    return { key, integration };
  }

  /**
   * Is `material` accepted at `now` (from `clientIp`, when given), and if not, the reason code: one
   * indexed read by lookup hash, then the acceptance rule (`shared/keys/acceptance.ts`).
   */
  check(material: string, now = this.store.clock.now(), clientIp?: string): KeyCheck {
    const key = this.published.byHash(lookupHash(material));
    const result = keyAcceptance(key === null ? null : compileKeyFacts(key), now, clientIp);
    // Accepted implies found: the rule answers KEY_UNKNOWN for no facts.
    return result.accepted ? { ...result, key: key as PublishedKey } : { ...result, key };
  }
}
