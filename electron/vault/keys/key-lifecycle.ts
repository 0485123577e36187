import { randomUUID } from 'node:crypto';
import { describeIssue } from '../../../shared/domain/issue-message.ts';
import type { z } from 'zod';
import type { ApiKeyView, RevokeOptions } from '../../../shared/domain/api-key.ts';
import { REVOKE_LIMITS } from '../../../shared/domain/api-key.ts';
import {
  DEFAULT_PREFIX,
  integrationCreateSchema,
  integrationEditSchema,
  integrationNameKey,
} from '../../../shared/domain/integration.ts';
import type { Integration } from '../../../shared/domain/integration.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { compileKeyFacts, keyAcceptance } from '../../../shared/keys/acceptance.ts';
import type { KeyRefusalCode } from '../../../shared/keys/acceptance.ts';
import { lookupHash } from '../../../shared/keys/lookup-hash.ts';
import type { PublishedKey } from '../../../shared/keys/published-key.ts';
import { generateApiKey, maskKey } from '../../../shared/keys/key-format.ts';
import { canonicalAcl } from '../../../shared/net/cidr.ts';
import { redactKeyMaterial } from '../../../shared/keys/redact.ts';
import type { ActivityLog } from '../audit/activity-log.ts';
import type { Clock } from '../clock.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import { ApiKeysRepo } from './api-keys.repo.ts';
import type { StoredKey } from './api-keys.repo.ts';
import { IntegrationsRepo } from './integrations.repo.ts';
import { PublishedKeysRepo } from './published-keys.repo.ts';
import { KeyTable } from './key-table.ts';
import type { KeyTablePage, KeyTableQuery } from './key-table.ts';
import { IntegrationSearch } from './integration-search.ts';
import { keyChange } from './key-change.ts';
import type { KeyChangeListener } from './key-change.ts';
import type { SearchPage } from './integration-search.ts';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** Defaults for new integrations, from settings. */
export interface LifecycleDefaults {
  rotationDays: number;
  graceDays: number;
}

/** What the lifecycle needs. */
export interface KeyLifecycleDependencies {
  db: SqliteDatabase;
  clock: Clock;
  log: ActivityLog;
  defaults?: () => LifecycleDefaults;
  /**
   * Called after every committed change to integrations or keys, naming the integrations it touched
   * (the scheduler re-plans; the lifecycle's own read models have already taken it in).
   */
  onChange?: KeyChangeListener;
}

/** A master-list entry: the published facts (`shared/keys/published-key.ts`) of a key accepted now. */
export type AcceptedKey = PublishedKey;

/** The outcome of `check()`: the acceptance rule's answer, with the key's published facts when found. */
export type KeyCheck =
  | { accepted: true; key: PublishedKey; status: 'active' | 'grace'; graceEndsAt: number | null }
  | { accepted: false; code: KeyRefusalCode; key: PublishedKey | null };

/** One automatic rotation, as `runDue` hands it to its hook. */
export interface AutoRotation {
  key: ApiKeyView;
  integration: Integration;
  previous: ApiKeyView;
}

/** Who acts, for the activity log. */
export interface Actor {
  actor: string;
}

function invalid(error: z.ZodError): KeywardError {
  return new KeywardError('INVALID_INPUT', describeIssue(error.issues[0]));
}

function checkAcl(list: readonly string[] | undefined): string[] {
  if (list === undefined) {
    return [];
  }
  const result = canonicalAcl(list);
  if (!result.ok) {
    throw new KeywardError('INVALID_INPUT', `ipAcl: ${result.error.message}`);
  }
  return result.value;
}

/**
 * Integrations and the lifecycle of their keys (SPEC.md §1): issue, rotate, revoke with grace,
 * regenerate, delete, never-expire, and the time-driven steps (automatic rotation at expiry, grace
 * end). Every change runs in one transaction together with its activity-log entry, so the invariant
 * "exactly one active key per integration" holds after every operation and every crash.
 */
export class KeyLifecycle {
  private readonly db: SqliteDatabase;
  private readonly clock: Clock;
  private readonly log: ActivityLog;
  private readonly integrations: IntegrationsRepo;
  private readonly keys: ApiKeysRepo;
  private readonly defaults: () => LifecycleDefaults;
  /** Updates the read models with a committed change, then tells the listener. */
  private readonly changed: (integrationIds: Iterable<string>) => void;
  private readonly published: PublishedKeysRepo;
  private readonly searchIndex: IntegrationSearch;
  private readonly table: KeyTable;

  constructor(deps: KeyLifecycleDependencies) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.log = deps.log;
    this.integrations = new IntegrationsRepo(deps.db);
    this.keys = new ApiKeysRepo(deps.db);
    this.defaults = deps.defaults ?? (() => ({ rotationDays: 365, graceDays: 30 }));
    const notify = deps.onChange ?? (() => undefined);
    this.searchIndex = new IntegrationSearch(deps.db, this.integrations);
    this.table = new KeyTable(deps.db);
    this.changed = (integrationIds) => {
      const change = keyChange(integrationIds);
      this.searchIndex.apply(change);
      this.table.apply(change);
      notify(change);
    };
    this.published = new PublishedKeysRepo(deps.db);
  }

  // ── integrations ──────────────────────────────────────────────────────────

  /**
   * Creates an integration and issues its first key. `neverExpire: true` needs
   * `confirmNeverExpire` (the interfaces ask the user first).
   */
  createIntegration(
    input: unknown,
    options: Actor & { confirmNeverExpire?: boolean },
  ): { integration: Integration; key: ApiKeyView } {
    const parsed = integrationCreateSchema.safeParse(input);
    if (!parsed.success) {
      throw invalid(parsed.error);
    }
    const data = parsed.data;
    if (data.neverExpire && !options.confirmNeverExpire) {
      throw new KeywardError('INVALID_INPUT', 'A key that never expires needs an explicit confirmation.');
    }
    const defaults = this.defaults();
    const now = this.clock.now();
    const integration: Integration = {
      id: randomUUID(),
      name: data.name,
      website: data.website ?? null,
      platform: data.platform,
      ipAcl: checkAcl(data.ipAcl),
      prefix: data.prefix ?? DEFAULT_PREFIX,
      rotationDays: data.rotationDays ?? defaults.rotationDays,
      graceDays: data.graceDays ?? defaults.graceDays,
      neverExpire: data.neverExpire ?? false,
      enabled: data.enabled ?? true,
      notes: data.notes ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const nameKey = integrationNameKey(integration.name);
    const key = this.db
      .transaction(() => {
        this.assertNameFree(nameKey, null);
        this.integrations.insert(integration, nameKey);
        const issued = this.issueKey(
          integration,
          now,
          integration.neverExpire ? null : integration.rotationDays,
        );
        this.log.append({
          actor: options.actor,
          action: 'integration.create',
          outcome: 'success',
          integrationId: integration.id,
          keyId: issued.id,
          details: {
            name: integration.name,
            platform: integration.platform,
            neverExpire: integration.neverExpire,
          },
        });
        return issued;
      })
      .immediate();
    this.changed([integration.id]);
    return { integration, key };
  }

  /** Edits details and IP ACL (never key material). A new rotation period re-times the active key. */
  editIntegration(ref: string, patch: unknown, options: Actor): Integration {
    const parsed = integrationEditSchema.safeParse(patch);
    if (!parsed.success) {
      throw invalid(parsed.error);
    }
    const data = parsed.data;
    const updated = this.db
      .transaction(() => {
        const current = this.requireIntegration(ref);
        const next: Integration = {
          ...current,
          ...(data.name !== undefined ? { name: data.name } : {}),
          ...(data.website !== undefined ? { website: data.website } : {}),
          ...(data.platform !== undefined ? { platform: data.platform } : {}),
          ...(data.ipAcl !== undefined ? { ipAcl: checkAcl(data.ipAcl) } : {}),
          ...(data.rotationDays !== undefined ? { rotationDays: data.rotationDays } : {}),
          ...(data.graceDays !== undefined ? { graceDays: data.graceDays } : {}),
          ...(data.notes !== undefined ? { notes: data.notes } : {}),
          updatedAt: this.clock.now(),
        };
        const nameKey = integrationNameKey(next.name);
        this.assertNameFree(nameKey, current.id);
        this.integrations.update(next, nameKey);
        if (next.rotationDays !== current.rotationDays && !next.neverExpire) {
          const active = this.keys.active(current.id);
          if (active && active.expiresAt !== null) {
            this.keys.setExpiry(active.id, active.createdAt + next.rotationDays * DAY_MS);
          }
        }
        const changed = Object.keys(data).sort().join(',');
        this.log.append({
          actor: options.actor,
          action: 'integration.edit',
          outcome: 'success',
          integrationId: current.id,
          details: { fields: changed },
        });
        return next;
      })
      .immediate();
    this.changed([updated.id]);
    return updated;
  }

  /** Turns API access on or off; off = none of its keys verify, all are kept. */
  setEnabled(ref: string, enabled: boolean, options: Actor): Integration {
    const updated = this.db
      .transaction(() => {
        const current = this.requireIntegration(ref);
        const next = { ...current, enabled, updatedAt: this.clock.now() };
        this.integrations.update(next, integrationNameKey(next.name));
        this.log.append({
          actor: options.actor,
          action: enabled ? 'integration.enable' : 'integration.disable',
          outcome: 'success',
          integrationId: current.id,
        });
        return next;
      })
      .immediate();
    this.changed([updated.id]);
    return updated;
  }

  /**
   * Never-expire on: the active key loses its expiry and is never rotated automatically (needs
   * `confirmed`). Off: the active key expires at its creation + rotation period, but no sooner than
   * 30 days from now, so turning it off never forces a surprise rotation.
   */
  setNeverExpire(ref: string, on: boolean, options: Actor & { confirmed?: boolean }): Integration {
    if (on && !options.confirmed) {
      throw new KeywardError('INVALID_INPUT', 'A key that never expires needs an explicit confirmation.');
    }
    const updated = this.db
      .transaction(() => {
        const current = this.requireIntegration(ref);
        const now = this.clock.now();
        const next = { ...current, neverExpire: on, updatedAt: now };
        this.integrations.update(next, integrationNameKey(next.name));
        const active = this.keys.active(current.id);
        if (active) {
          this.keys.setExpiry(
            active.id,
            on ? null : Math.max(active.createdAt + current.rotationDays * DAY_MS, now + 30 * DAY_MS),
          );
        }
        this.log.append({
          actor: options.actor,
          action: 'integration.never-expire',
          outcome: 'success',
          integrationId: current.id,
          keyId: active?.id ?? null,
          details: { neverExpire: on },
        });
        return next;
      })
      .immediate();
    this.changed([updated.id]);
    return updated;
  }

  /** Deletes an integration and, at once, all its keys. Needs `confirmed`. */
  deleteIntegration(ref: string, options: Actor & { confirmed?: boolean }): void {
    if (!options.confirmed) {
      throw new KeywardError(
        'INVALID_INPUT',
        'Deleting an integration ends all its keys at once; it needs an explicit confirmation.',
      );
    }
    const deletedId = this.db
      .transaction(() => {
        const current = this.requireIntegration(ref);
        const keyCount = this.keys.forIntegration(current.id).length;
        this.integrations.remove(current.id);
        this.log.append({
          actor: options.actor,
          action: 'integration.delete',
          outcome: 'success',
          integrationId: current.id,
          details: { name: current.name, keysEnded: keyCount },
        });
        return current.id;
      })
      .immediate();
    this.changed([deletedId]);
  }

  /** The current name of the integration with this id, or null when there is none (any more). */
  integrationName(id: string): string | null {
    return this.integrations.byId(id)?.name ?? null;
  }

  /** An integration by id or by name (case-insensitive); NOT_FOUND otherwise. */
  requireIntegration(ref: string): Integration {
    const found = this.integrations.byId(ref) ?? this.integrations.byNameKey(integrationNameKey(ref));
    if (!found) {
      throw new KeywardError(
        'NOT_FOUND',
        `No integration named or with id "${redactKeyMaterial(ref).slice(0, 100)}".`,
      );
    }
    return found;
  }

  /** All integrations, or those whose name/prefix contains `filter` (or whose platform equals it). */
  listIntegrations(filter?: string): Integration[] {
    return filter === undefined || filter.trim() === ''
      ? this.integrations.all()
      : this.integrations.filter(filter);
  }

  /** Filter-as-you-type: a page of integrations matching `term`, and the total (fast at 100k). */
  searchIntegrations(term: string, page: { offset?: number; limit?: number } = {}): SearchPage<Integration> {
    return this.searchIndex.search(term, page);
  }

  /** A page of the desktop's key table: every key with its integration, filtered and sorted. */
  keyTable(query: KeyTableQuery): KeyTablePage {
    return this.table.query(query);
  }

  // ── keys ──────────────────────────────────────────────────────────────────

  /** Keys of one integration (newest first), or of all. Masked only. */
  listKeys(ref?: string): ApiKeyView[] {
    return ref === undefined ? this.keys.all() : this.keys.forIntegration(this.requireIntegration(ref).id);
  }

  /** A key by id; NOT_FOUND otherwise. */
  requireKey(keyId: string): ApiKeyView {
    const key = this.keys.byId(keyId);
    if (!key) {
      throw new KeywardError('NOT_FOUND', `No key with id "${redactKeyMaterial(keyId).slice(0, 100)}".`);
    }
    return key;
  }

  /** The active key of an integration. */
  activeKey(ref: string): ApiKeyView {
    const integration = this.requireIntegration(ref);
    const key = this.keys.active(integration.id);
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
    // By id in one indexed read (the common case); by name through the integration.
    let stored = this.keys.storedActive(ref);
    if (!stored) {
      const integration = this.requireIntegration(ref);
      stored = this.keys.storedActive(integration.id);
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
    const stored = this.keys.storedById(keyId);
    if (!stored) {
      throw new KeywardError('NOT_FOUND', `No key with id "${redactKeyMaterial(keyId).slice(0, 100)}".`);
    }
    return stored.material;
  }

  /** Rotate now: a new active key; the old one keeps working for the integration's grace days. */
  rotate(ref: string, options: Actor): ApiKeyView {
    const key = this.db
      .transaction(() => {
        const integration = this.requireIntegration(ref);
        const now = this.clock.now();
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
    this.changed([key.integrationId]);
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
    const { graceDays, newLifetimeDays } = revoke;
    if (
      !Number.isInteger(graceDays) ||
      graceDays < REVOKE_LIMITS.graceDays.min ||
      graceDays > REVOKE_LIMITS.graceDays.max
    ) {
      throw new KeywardError('INVALID_INPUT', 'grace must be a whole number of days from 0 to 30.');
    }
    if (
      newLifetimeDays !== null &&
      (!Number.isInteger(newLifetimeDays) ||
        newLifetimeDays < REVOKE_LIMITS.lifetimeDays.min ||
        newLifetimeDays > REVOKE_LIMITS.lifetimeDays.max)
    ) {
      throw new KeywardError('INVALID_INPUT', 'the new key lifetime must be 1 to 365 days, or never.');
    }
    if (newLifetimeDays === null && !options.confirmNeverExpire) {
      throw new KeywardError('INVALID_INPUT', 'A new key that never expires needs an explicit confirmation.');
    }
    const key = this.db
      .transaction(() => {
        const integration = this.requireIntegration(ref);
        const now = this.clock.now();
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
    this.changed([key.integrationId]);
    return key;
  }

  /** Regenerate = revoke with grace 0; the new key gets the integration's usual lifetime. */
  regenerate(ref: string, options: Actor): ApiKeyView {
    const integration = this.requireIntegration(ref);
    return this.revoke(
      integration.id,
      { graceDays: 0, newLifetimeDays: integration.neverExpire ? null : integration.rotationDays },
      { ...options, confirmNeverExpire: true, action: 'key.regenerate' },
    );
  }

  /** Deletes an expired or revoked key. The active key (or one in grace) cannot be deleted. */
  deleteKey(keyId: string, options: Actor): void {
    const integrationId = this.db
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
        this.keys.remove(key.id);
        this.log.append({
          actor: options.actor,
          action: 'key.delete',
          outcome: 'success',
          integrationId: key.integrationId,
          keyId: key.id,
        });
        return key.integrationId;
      })
      .immediate();
    this.changed([integrationId]);
  }

  /**
   * Ends one grace key's grace period now (a key believed leaked): it becomes `revoked` and is no
   * longer accepted; the active key is not touched. INVALID_STATE for a key that is not in grace.
   */
  endGrace(keyId: string, options: Actor): ApiKeyView {
    const ended = this.db
      .transaction(() => {
        const key = this.requireKey(keyId);
        if (key.status !== 'grace') {
          throw new KeywardError(
            'INVALID_STATE',
            `Only a key in its grace period can have its grace ended; this key is ${key.status}.`,
          );
        }
        const now = this.clock.now();
        this.keys.endGrace(key.id, now);
        this.log.append({
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
    this.changed([ended.integrationId]);
    return ended;
  }

  /** Records a use of a key (from "test key" or the server's verify log). */
  recordUse(keyId: string, at: number): void {
    this.keys.touch(keyId, at);
    // Only the key table shows "last used"; the search index and the schedule do not change.
    const key = this.keys.byId(keyId);
    if (key) {
      this.table.apply(keyChange([key.integrationId]));
    }
  }

  // ── what verifiers see ────────────────────────────────────────────────────

  /**
   * The master list: every key accepted at `now` (from `clientIp`, when given) by the one acceptance
   * rule (`shared/keys/acceptance.ts`); the SQL only pre-filters.
   */
  masterList(now = this.clock.now(), clientIp?: string): AcceptedKey[] {
    return this.published
      .candidates(now)
      .filter((key) => keyAcceptance(compileKeyFacts(key), now, clientIp).accepted);
  }

  /** The vault key whose material is `material` (by hash), with its integration, or null. */
  findByMaterial(material: string): { key: ApiKeyView; integration: Integration } | null {
    const stored: StoredKey | null = this.keys.storedByHash(lookupHash(material));
    if (!stored) {
      return null;
    }
    const integration = this.integrations.byId(stored.integrationId);
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
  check(material: string, now = this.clock.now(), clientIp?: string): KeyCheck {
    const key = this.published.byHash(lookupHash(material));
    const result = keyAcceptance(key === null ? null : compileKeyFacts(key), now, clientIp);
    // Accepted implies found: the rule answers KEY_UNKNOWN for no facts.
    return result.accepted ? { ...result, key: key as PublishedKey } : { ...result, key };
  }

  // ── time-driven steps (the scheduler calls these) ─────────────────────────

  /**
   * Applies everything due at `now`, idempotently: active keys past their expiry are rotated (their
   * grace is counted from the expiry, as if the app had been running), grace keys past their end
   * become expired. A crash between steps is repaired by the next call.
   */
  runDue(
    now = this.clock.now(),
    hooks: { onRotated?: (rotation: AutoRotation) => void } = {},
  ): {
    rotated: ApiKeyView[];
    expired: ApiKeyView[];
    failed: { integrationId: string; message: string }[];
  } {
    const rotated: ApiKeyView[] = [];
    const failed: { integrationId: string; message: string }[] = [];
    for (const due of this.keys.dueRotation(now)) {
      try {
        const key = this.db
          .transaction(() => {
            const current = this.keys.active(due.integrationId);
            const integration = this.integrations.byId(due.integrationId);
            if (
              !current ||
              current.id !== due.id ||
              !integration ||
              current.expiresAt === null ||
              current.expiresAt > now
            ) {
              return null; // changed since we looked
            }
            const fresh = this.replaceActive(integration, {
              now,
              graceDays: integration.graceDays,
              graceFrom: current.expiresAt,
              lifetimeDays: integration.neverExpire ? null : integration.rotationDays,
              action: 'key.auto-rotate',
              actor: 'scheduler',
            });
            // In the same transaction, so what the hook records (the notice) commits with the rotation.
            hooks.onRotated?.({ key: fresh, integration, previous: this.keys.byId(current.id) ?? current });
            return fresh;
          })
          .immediate();
        if (key) {
          rotated.push(key);
        }
      } catch (error) {
        failed.push({
          integrationId: due.integrationId,
          message: error instanceof KeywardError ? error.message : 'internal error during automatic rotation',
        });
      }
    }
    const expired = this.db
      .transaction(() => {
        const ended = this.keys.expireGrace(now);
        for (const key of ended) {
          this.log.append({
            actor: 'scheduler',
            action: 'key.expire',
            outcome: 'success',
            integrationId: key.integrationId,
            keyId: key.id,
          });
        }
        return ended;
      })
      .immediate();
    if (rotated.length || expired.length) {
      this.changed([...rotated, ...expired].map((key) => key.integrationId));
    }
    return { rotated, expired, failed };
  }

  /** When the next key changes state by time alone, or null. */
  nextTransitionAt(): number | null {
    return this.keys.nextTransitionAt();
  }

  /** Integrations that do not have exactly one active key; empty when the invariant holds. */
  invariantViolations(): { integrationId: string; n: number }[] {
    return this.keys.invariantViolations();
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private assertNameFree(nameKey: string, exceptId: string | null): void {
    const existing = this.integrations.byNameKey(nameKey);
    if (existing && existing.id !== exceptId) {
      throw new KeywardError('INVALID_STATE', `An integration named "${existing.name}" already exists.`);
    }
  }

  private issueKey(integration: Integration, now: number, lifetimeDays: number | null): ApiKeyView {
    const material = generateApiKey(integration.prefix);
    const key: StoredKey = {
      id: randomUUID(),
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
    this.keys.insert(key);
    const { material: _material, lookupHash: _hash, ...view } = key;
    return view;
  }

  /** Must run inside a transaction: ends the active key and issues its successor. */
  private replaceActive(
    integration: Integration,
    change: {
      now: number;
      graceDays: number;
      graceFrom: number;
      lifetimeDays: number | null;
      action: 'key.rotate' | 'key.auto-rotate' | 'key.revoke' | 'key.regenerate';
      actor: string;
      endedStatus?: 'grace' | 'revoked';
    },
  ): ApiKeyView {
    const old = this.keys.active(integration.id);
    if (!old) {
      throw new KeywardError('INVALID_STATE', `Integration "${integration.name}" has no active key.`);
    }
    const graceEndsAt = change.graceFrom + change.graceDays * DAY_MS;
    const stillInGrace = change.graceDays > 0 && graceEndsAt > change.now;
    const status = change.endedStatus === 'revoked' ? 'revoked' : stillInGrace ? 'grace' : 'expired';
    const newKeyId = randomUUID();
    this.keys.endActive(old.id, {
      status,
      graceEndsAt: status === 'grace' ? graceEndsAt : null,
      endedAt: status === 'grace' ? null : change.now,
      replacedBy: newKeyId,
    });
    const material = generateApiKey(integration.prefix);
    const key: StoredKey = {
      id: newKeyId,
      integrationId: integration.id,
      material,
      lookupHash: lookupHash(material),
      masked: maskKey(material),
      status: 'active',
      createdAt: change.now,
      expiresAt: change.lifetimeDays === null ? null : change.now + change.lifetimeDays * DAY_MS,
      graceEndsAt: null,
      endedAt: null,
      lastUsedAt: null,
      replacedBy: null,
    };
    this.keys.insert(key);
    this.log.append({
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
}
