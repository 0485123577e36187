import { createPublicKey, type KeyObject } from 'node:crypto';
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
  keyIds: Set<string>;
}

/** A key in the index: its own facts, its integration, and the facts the shared rule reads. */
export interface IndexedKey {
  facts: PublishedKeyFacts;
  integration: IndexedIntegration;
  /** What `keyAcceptance` reads: rebuilt whenever the key or its integration changes. */
  rule: KeyFacts;
}

/** A Secret-verifying public key, imported once. */
export interface IndexedSigningKey {
  facts: PublishedSigningKey;
  publicKey: KeyObject;
}

function ruleFacts(key: PublishedKeyFacts, integration: IndexedIntegration): KeyFacts {
  return {
    status: key.status,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    graceEndsAt: key.graceEndsAt,
    endedAt: key.endedAt,
    neverExpire: integration.facts.neverExpire,
    graceDays: integration.facts.graceDays,
    enabled: integration.facts.enabled,
    ipAllowed: integration.ipAllowed,
  };
}

/**
 * The in-memory index every verification reads (the hot path never touches storage): keys by
 * lookup hash, integrations, and signing keys by `kid`. Loaded from storage at start and kept
 * current by applying {@link StateChanges} (`index-sync.ts`).
 */
export class KeyIndex {
  /** The revision the index reflects; -1 until the first load. */
  revision = -1;
  /** When that revision was published (epoch ms), null before any publish. */
  publishedAt: number | null = null;
  private readonly byHash = new Map<string, IndexedKey>();
  private readonly byId = new Map<string, IndexedKey>();
  private readonly integrations = new Map<string, IndexedIntegration>();
  private readonly signing = new Map<string, IndexedSigningKey>();

  /** True once the first full load was applied. */
  get loaded(): boolean {
    return this.revision >= 0;
  }

  /** How many keys are indexed. */
  get size(): number {
    return this.byHash.size;
  }

  /** The key with this lookup hash, if any. */
  lookup(lookupHash: string): IndexedKey | undefined {
    return this.byHash.get(lookupHash);
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
      if (this.byHash.get(entry.facts.lookupHash) === entry) {
        this.byHash.delete(entry.facts.lookupHash);
      }
      entry.integration.keyIds.delete(keyId);
    }
  }

  /** Applies what changed since the index's revision (removals first, then rows). */
  apply(changes: StateChanges): void {
    for (const keyId of changes.removedKeys) {
      this.removeKey(keyId);
    }
    for (const integrationId of changes.removedIntegrations) {
      const integration = this.integrations.get(integrationId);
      if (integration !== undefined) {
        for (const keyId of [...integration.keyIds]) {
          this.removeKey(keyId);
        }
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
        this.integrations.set(facts.integrationId, { facts, ipAllowed, keyIds: new Set() });
        continue;
      }
      existing.facts = facts;
      existing.ipAllowed = ipAllowed;
      for (const keyId of existing.keyIds) {
        const entry = this.byId.get(keyId);
        if (entry !== undefined) {
          entry.rule = ruleFacts(entry.facts, existing);
        }
      }
    }
    for (const facts of changes.keys) {
      this.removeKey(facts.keyId);
      const integration = this.integrations.get(facts.integrationId);
      if (integration === undefined) {
        continue; // storage never publishes such a key; skip rather than guess
      }
      const entry: IndexedKey = { facts, integration, rule: ruleFacts(facts, integration) };
      this.byId.set(facts.keyId, entry);
      this.byHash.set(facts.lookupHash, entry);
      integration.keyIds.add(facts.keyId);
    }
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
