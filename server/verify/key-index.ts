import { createPublicKey, type KeyObject } from 'node:crypto';
import type { KeyStatus } from '../../shared/domain/api-key.ts';
import type { KeyFacts } from '../../shared/keys/acceptance.ts';
import { compileAcl } from '../../shared/net/cidr.ts';
import type {
  PublishedIntegration,
  PublishedKeyFacts,
  PublishedSigningKey,
} from '../../shared/sync/publish-batch.ts';
import type { StateChanges } from '../storage/storage.ts';

/** An integration in the index, with its ACL compiled once for all its keys. */
export interface IndexedIntegration {
  facts: PublishedIntegration;
  ipAllowed: (ip: string) => boolean;
}

/** A Secret-verifying public key, imported once. */
export interface IndexedSigningKey {
  facts: PublishedSigningKey;
  publicKey: KeyObject;
}

/** The one string of each status, so 100k keys share four strings instead of holding one each. */
function internStatus(status: KeyStatus): KeyStatus {
  switch (status) {
    case 'active':
      return 'active';
    case 'grace':
      return 'grace';
    case 'revoked':
      return 'revoked';
    default:
      return status;
  }
}

/**
 * A key in the index: its own facts, kept as plain fields (no copy of the published object), and
 * its integration. It is also the {@link KeyFacts} the shared rule reads: the integration's part
 * (`enabled`, the ACL, …) is read through getters on the prototype, so it costs no memory per key
 * and follows an integration edit with nothing to rebuild.
 */
export class IndexedKey implements KeyFacts {
  readonly keyId: string;
  readonly integration: IndexedIntegration;
  readonly status: KeyStatus;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly graceEndsAt: number | null;
  readonly endedAt: number | null;
  /** The lookup hash as 32 bytes in a latin1 string (the index's key; half the hex). */
  readonly digest: string;
  /** A prepared answer for this key, kept by the verify route (`verify-answer.ts`); null until the first. */
  answer: unknown = null;

  constructor(facts: PublishedKeyFacts, integration: IndexedIntegration) {
    this.keyId = facts.keyId;
    this.integration = integration;
    this.status = internStatus(facts.status);
    this.createdAt = facts.createdAt;
    this.expiresAt = facts.expiresAt;
    this.graceEndsAt = facts.graceEndsAt;
    this.endedAt = facts.endedAt;
    this.digest = Buffer.from(facts.lookupHash, 'hex').toString('latin1');
  }

  get neverExpire(): boolean {
    return this.integration.facts.neverExpire;
  }

  get graceDays(): number {
    return this.integration.facts.graceDays;
  }

  get enabled(): boolean {
    return this.integration.facts.enabled;
  }

  get ipAllowed(): (ip: string) => boolean {
    return this.integration.ipAllowed;
  }

  /** The integration's id (shared with the integration's facts: not a string per key). */
  get integrationId(): string {
    return this.integration.facts.integrationId;
  }

  /** What the shared rule reads: the key itself. */
  get rule(): KeyFacts {
    return this;
  }

  /** The key's published facts, rebuilt (not for the hot path). */
  get facts(): PublishedKeyFacts {
    return {
      keyId: this.keyId,
      integrationId: this.integrationId,
      lookupHash: Buffer.from(this.digest, 'latin1').toString('hex'),
      status: this.status,
      createdAt: this.createdAt,
      expiresAt: this.expiresAt,
      graceEndsAt: this.graceEndsAt,
      endedAt: this.endedAt,
    };
  }
}

/**
 * The in-memory index every verification reads (the hot path never touches storage): keys by
 * lookup hash, integrations, and signing keys by `kid`. Loaded from storage at start and kept
 * current by applying {@link StateChanges} (`index-sync.ts`).
 *
 * Sized for 100k keys in little memory (docs/targets.md, `npm run bench:server-memory`): one
 * {@link IndexedKey} per key with only its own fields, the lookup hash as 32 binary bytes, and two
 * maps (by hash, by key id) sharing those objects.
 */
export class KeyIndex {
  /** The revision the index reflects; -1 until the first load. */
  revision = -1;
  /** When that revision was published (epoch ms), null before any publish. */
  publishedAt: number | null = null;
  private readonly byDigest = new Map<string, IndexedKey>();
  private readonly byId = new Map<string, IndexedKey>();
  private readonly integrations = new Map<string, IndexedIntegration>();
  private readonly signing = new Map<string, IndexedSigningKey>();

  /** True once the first full load was applied. */
  get loaded(): boolean {
    return this.revision >= 0;
  }

  /** How many keys are indexed. */
  get size(): number {
    return this.byDigest.size;
  }

  /** The key with this lookup hash (64 lowercase hex digits), if any. */
  lookup(lookupHash: string): IndexedKey | undefined {
    return this.byDigest.get(Buffer.from(lookupHash, 'hex').toString('latin1'));
  }

  /** The key whose lookup hash is these 32 bytes as a latin1 string (`nodeLookupDigest`), if any. */
  lookupDigest(digest: string): IndexedKey | undefined {
    return this.byDigest.get(digest);
  }

  /** The signing key with this `kid`, if published. */
  signingKey(kid: string): IndexedSigningKey | undefined {
    return this.signing.get(kid);
  }

  /** Every published signing key (the JWKS). */
  signingKeys(): IndexedSigningKey[] {
    return [...this.signing.values()];
  }

  private removeKey(keyId: string): void {
    const entry = this.byId.get(keyId);
    if (entry !== undefined) {
      this.byId.delete(keyId);
      if (this.byDigest.get(entry.digest) === entry) {
        this.byDigest.delete(entry.digest);
      }
    }
  }

  /** Forgets everything (a first load that failed half-way starts again from nothing). */
  reset(): void {
    this.revision = -1;
    this.publishedAt = null;
    this.byDigest.clear();
    this.byId.clear();
    this.integrations.clear();
    this.signing.clear();
  }

  /**
   * Adds or replaces keys without moving the revision: a page of the first load (`index-sync.ts`),
   * whose integrations were applied before. A key of an integration the index does not have is
   * skipped (storage never publishes one; a load racing a publish gets it with the catch-up).
   */
  putKeys(keys: readonly PublishedKeyFacts[]): void {
    for (const facts of keys) {
      this.removeKey(facts.keyId);
      const integration = this.integrations.get(facts.integrationId);
      if (integration === undefined) {
        continue;
      }
      const entry = new IndexedKey(facts, integration);
      this.byId.set(entry.keyId, entry);
      this.byDigest.set(entry.digest, entry);
    }
  }

  /** Applies what changed since the index's revision (removals first, then rows). */
  apply(changes: StateChanges): void {
    for (const keyId of changes.removedKeys) {
      this.removeKey(keyId);
    }
    if (changes.removedIntegrations.length > 0) {
      const removed = new Set(changes.removedIntegrations);
      for (const entry of this.byId.values()) {
        if (removed.has(entry.integrationId)) {
          this.removeKey(entry.keyId);
        }
      }
      for (const integrationId of removed) {
        this.integrations.delete(integrationId);
      }
    }
    for (const kid of changes.removedSigningKeys) {
      this.signing.delete(kid);
    }
    for (const facts of changes.integrations) {
      const existing = this.integrations.get(facts.integrationId);
      const ipAllowed = compileAcl(facts.ipAcl);
      if (existing === undefined) {
        this.integrations.set(facts.integrationId, { facts, ipAllowed });
      } else {
        // Its keys read these through their getters: nothing else to rebuild.
        existing.facts = facts;
        existing.ipAllowed = ipAllowed;
      }
    }
    this.putKeys(changes.keys);
    for (const facts of changes.signingKeys) {
      try {
        const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: facts.x }, format: 'jwk' });
        this.signing.set(facts.kid, { facts, publicKey });
      } catch {
        // Publish refuses such a key; one that got into storage anyway verifies nothing.
        this.signing.delete(facts.kid);
      }
    }
    this.revision = changes.revision;
    this.publishedAt = changes.publishedAt;
  }
}
