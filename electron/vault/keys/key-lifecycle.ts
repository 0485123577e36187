import { randomUUID } from 'node:crypto';
import type { ApiKeyView, RevokeOptions } from '../../../shared/domain/api-key.ts';
import { revokeOptionsSchema } from '../../../shared/domain/api-key.ts';
import type { Integration } from '../../../shared/domain/integration.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { generateApiKey, maskKey } from '../../../shared/keys/key-format.ts';
import { redactKeyMaterial } from '../../../shared/keys/redact.ts';
import type { StoredKey } from './api-keys.repo.ts';
import type { KeyTablePage, KeyTableQuery } from './key-table.ts';
import { keyChange } from './key-change.ts';
import { DAY_MS, lookupHash } from './key-store.ts';
import type { Actor, KeyStore } from './key-store.ts';

export { DAY_MS } from './key-store.ts';
export type { Actor } from './key-store.ts';

/** How the active key is replaced (rotate, revoke, regenerate, automatic rotation). */
export interface Replacement {
  now: number;
  graceDays: number;
  /** Grace is counted from here (now, or the expiry for an automatic rotation). */
  graceFrom: number;
  lifetimeDays: number | null;
  action: 'key.rotate' | 'key.auto-rotate' | 'key.revoke' | 'key.regenerate';
  actor: string;
  endedStatus?: 'grace' | 'revoked';
}

/**
 * The lifecycle of an integration's keys (docs/domain-rules.md): issue, rotate, revoke with grace, regenerate,
 * delete, and reading keys. Every change runs in one transaction together with its activity-log
 * entry, so the invariant "exactly one active key per integration" holds after every operation and
 * every crash.
 */
export class KeyLifecycle {
  private readonly store: KeyStore;

  constructor(store: KeyStore) {
    this.store = store;
  }

  /** Keys of one integration (newest first), or of all. Masked only. */
  listKeys(ref?: string): ApiKeyView[] {
    const { keys } = this.store;
    return ref === undefined ? keys.all() : keys.forIntegration(this.store.requireIntegration(ref).id);
  }

  /** A page of the desktop's key table: every key with its integration, filtered and sorted. */
  keyTable(query: KeyTableQuery): KeyTablePage {
    return this.store.table.query(query);
  }

  /** A key by id; NOT_FOUND otherwise. */
  requireKey(keyId: string): ApiKeyView {
    const key = this.store.keys.byId(keyId);
    if (!key) {
      throw new KeywardError('NOT_FOUND', `No key with id "${redactKeyMaterial(keyId).slice(0, 100)}".`);
    }
    return key;
  }

  /** The active key of an integration. */
  activeKey(ref: string): ApiKeyView {
    const integration = this.store.requireIntegration(ref);
    const key = this.store.keys.active(integration.id);
    if (!key) {
      throw new KeywardError('INVALID_STATE', `Integration "${integration.name}" has no active key.`);
    }
    return key;
  }

  /**
   * The active key of an integration with its material, in one read (for minting Secrets). Callers
   * gate where the material goes.
   */
  activeKeyWithMaterial(ref: string): { key: ApiKeyView; material: string } {
    const { keys } = this.store;
    // By id in one indexed read (the common case); by name through the integration.
    let stored = keys.storedActive(ref);
    if (!stored) {
      const integration = this.store.requireIntegration(ref);
      stored = keys.storedActive(integration.id);
      if (!stored) {
        throw new KeywardError('INVALID_STATE', `Integration "${integration.name}" has no active key.`);
      }
    }
    const { material, lookupHash: _hash, ...key } = stored;
    return { key, material };
  }

  /**
   * The key's material. Callers gate this behind a fresh re-authentication and log it; it is the only
   * way material leaves the engine.
   */
  material(keyId: string): string {
    const stored = this.store.keys.storedById(keyId);
    if (!stored) {
      throw new KeywardError('NOT_FOUND', `No key with id "${redactKeyMaterial(keyId).slice(0, 100)}".`);
    }
    return stored.material;
  }

  /** Rotate now: a new active key; the old one keeps working for the integration's grace days. */
  rotate(ref: string, options: Actor): ApiKeyView {
    const key = this.store.db
      .transaction(() => {
        const integration = this.store.requireIntegration(ref);
        const now = this.store.clock.now();
        return this.replaceActive(integration, {
          now,
          graceDays: integration.graceDays,
          graceFrom: now,
          lifetimeDays: integration.neverExpire ? null : integration.rotationDays,
          action: 'key.rotate',
          actor: options.actor,
        });
      })
      .immediate();
    this.store.changed([key.integrationId]);
    return key;
  }

  /**
   * Revoke (a security concern): a new active key with the lifetime chosen; the old key keeps working
   * for `graceDays` (0 = it stops at once, status `revoked`). A never-expiring new key needs
   * `confirmNeverExpire`.
   */
  revoke(
    ref: string,
    revoke: RevokeOptions,
    options: Actor & { confirmNeverExpire?: boolean; action?: 'key.revoke' | 'key.regenerate' },
  ): ApiKeyView {
    const parsed = revokeOptionsSchema.safeParse(revoke);
    if (!parsed.success) {
      // The schema's messages name what is wrong ("grace must be … from 0 to 30"): no field prefix.
      throw new KeywardError('INVALID_INPUT', `${parsed.error.issues[0]?.message ?? 'invalid revoke'}.`);
    }
    const { graceDays, newLifetimeDays } = parsed.data;
    if (newLifetimeDays === null && !options.confirmNeverExpire) {
      throw new KeywardError('INVALID_INPUT', 'A new key that never expires needs an explicit confirmation.');
    }
    const key = this.store.db
      .transaction(() => {
        const integration = this.store.requireIntegration(ref);
        const now = this.store.clock.now();
        return this.replaceActive(integration, {
          now,
          graceDays,
          graceFrom: now,
          lifetimeDays: newLifetimeDays,
          action: options.action ?? 'key.revoke',
          actor: options.actor,
          endedStatus: graceDays === 0 ? 'revoked' : 'grace',
        });
      })
      .immediate();
    this.store.changed([key.integrationId]);
    return key;
  }

  /** Regenerate = revoke with grace 0; the new key gets the integration's usual lifetime. */
  regenerate(ref: string, options: Actor): ApiKeyView {
    const integration = this.store.requireIntegration(ref);
    return this.revoke(
      integration.id,
      { graceDays: 0, newLifetimeDays: integration.neverExpire ? null : integration.rotationDays },
      { ...options, confirmNeverExpire: true, action: 'key.regenerate' },
    );
  }

  /** Deletes an expired or revoked key. The active key (or one in grace) cannot be deleted. */
  deleteKey(keyId: string, options: Actor): void {
    const integrationId = this.store.db
      .transaction(() => {
        const key = this.requireKey(keyId);
        if (key.status === 'active' || key.status === 'grace') {
          throw new KeywardError(
            'INVALID_STATE',
            key.status === 'active'
              ? 'The active key cannot be deleted; it goes only with its integration.'
              : 'A key in its grace period is still accepted; revoke or wait for the grace to end before deleting it.',
          );
        }
        this.store.keys.remove(key.id);
        this.store.log.append({
          actor: options.actor,
          action: 'key.delete',
          outcome: 'success',
          integrationId: key.integrationId,
          keyId: key.id,
        });
        return key.integrationId;
      })
      .immediate();
    this.store.changed([integrationId]);
  }

  /**
   * Ends one grace key's grace period now (a key believed leaked): it becomes `revoked` and is no
   * longer accepted; the active key is not touched. INVALID_STATE for a key that is not in grace.
   */
  endGrace(keyId: string, options: Actor): ApiKeyView {
    const ended = this.store.db
      .transaction(() => {
        const key = this.requireKey(keyId);
        if (key.status !== 'grace') {
          throw new KeywardError(
            'INVALID_STATE',
            `Only a key in its grace period can have its grace ended; this key is ${key.status}.`,
          );
        }
        const now = this.store.clock.now();
        this.store.keys.endGrace(key.id, now);
        this.store.log.append({
          actor: options.actor,
          action: 'key.end-grace',
          outcome: 'success',
          integrationId: key.integrationId,
          keyId: key.id,
          details: { graceEndsAt: key.graceEndsAt },
        });
        return this.requireKey(key.id);
      })
      .immediate();
    this.store.changed([ended.integrationId]);
    return ended;
  }

  /** Whether the vault has a key with this id. */
  hasKey(keyId: string): boolean {
    return this.store.keys.byId(keyId) !== null;
  }

  /** Records a use of a key (from "test key" or the server's verify log). */
  recordUse(keyId: string, at: number): void {
    this.store.keys.touch(keyId, at);
    // Only the key table shows "last used"; the search index and the schedule do not change.
    const key = this.store.keys.byId(keyId);
    if (key) {
      this.store.table.apply(keyChange([key.integrationId]));
    }
  }

  /** Integrations that do not have exactly one active key; empty when the invariant holds. */
  invariantViolations(): { integrationId: string; n: number }[] {
    return this.store.keys.invariantViolations();
  }

  /** Must run inside a transaction: issues the first key of a new integration. */
  issueFirstKey(integration: Integration, now: number, lifetimeDays: number | null): ApiKeyView {
    const {
      material: _material,
      lookupHash: _hash,
      ...view
    } = this.insertNewKey(randomUUID(), integration, now, lifetimeDays);
    return view;
  }

  /** Must run inside a transaction: ends the active key and issues its successor. */
  replaceActive(integration: Integration, change: Replacement): ApiKeyView {
    const { keys, log } = this.store;
    const old = keys.active(integration.id);
    if (!old) {
      throw new KeywardError('INVALID_STATE', `Integration "${integration.name}" has no active key.`);
    }
    const graceEndsAt = change.graceFrom + change.graceDays * DAY_MS;
    const stillInGrace = change.graceDays > 0 && graceEndsAt > change.now;
    const status = change.endedStatus === 'revoked' ? 'revoked' : stillInGrace ? 'grace' : 'expired';
    const newKeyId = randomUUID();
    keys.endActive(old.id, {
      status,
      graceEndsAt: status === 'grace' ? graceEndsAt : null,
      endedAt: status === 'grace' ? null : change.now,
      replacedBy: newKeyId,
    });
    const key = this.insertNewKey(newKeyId, integration, change.now, change.lifetimeDays);
    log.append({
      actor: change.actor,
      action: change.action,
      outcome: 'success',
      integrationId: integration.id,
      keyId: newKeyId,
      details: {
        previousKeyId: old.id,
        previousStatus: status,
        graceDays: change.graceDays,
        newLifetimeDays: change.lifetimeDays,
      },
    });
    const { material: _material, lookupHash: _hash, ...view } = key;
    return view;
  }

  private insertNewKey(
    id: string,
    integration: Integration,
    now: number,
    lifetimeDays: number | null,
  ): StoredKey {
    const material = generateApiKey(integration.prefix);
    const key: StoredKey = {
      id,
      integrationId: integration.id,
      material,
      lookupHash: lookupHash(material),
      masked: maskKey(material),
      status: 'active',
      createdAt: now,
      expiresAt: lifetimeDays === null ? null : now + lifetimeDays * DAY_MS,
      graceEndsAt: null,
      endedAt: null,
      lastUsedAt: null,
      replacedBy: null,
    };
    this.store.keys.insert(key);
    return key;
  }
}
