import { randomUUID } from 'node:crypto';
import type { ApiKeyView } from '../../../shared/domain/api-key.ts';
import {
  DEFAULT_PREFIX,
  integrationCreateSchema,
  integrationEditSchema,
  integrationNameKey,
} from '../../../shared/domain/integration.ts';
import type { Integration } from '../../../shared/domain/integration.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { canonicalAcl } from '../../../shared/net/cidr.ts';
import { DEFAULT_ACCEPTED_CREDENTIAL } from '../../../shared/sync/accepted-credential.ts';
import type { RateLimit } from '../../../shared/sync/rate-limit.ts';
import type { SearchPage } from './integration-search.ts';
import type { KeyLifecycle } from './key-lifecycle.ts';
import { DAY_MS, invalidInput } from './key-store.ts';
import type { Actor, KeyStore } from './key-store.ts';

/** Defaults for new integrations, from settings. */
export interface LifecycleDefaults {
  rotationDays: number;
  graceDays: number;
}

/** A rate limit for the activity log: `100/60s`, or `none`. */
function describeRateLimit(limit: RateLimit | null): string {
  return limit === null ? 'none' : `${limit.requests}/${limit.windowSeconds}s`;
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
 * Integrations (docs/domain-rules.md): create (with its first key), edit, API access on/off, never-expire,
 * delete, and finding them. Each change commits in one transaction with its activity-log entry.
 */
export class Integrations {
  private readonly store: KeyStore;
  private readonly lifecycle: KeyLifecycle;
  private readonly defaults: () => LifecycleDefaults;

  constructor(store: KeyStore, lifecycle: KeyLifecycle, defaults?: () => LifecycleDefaults) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.defaults = defaults ?? (() => ({ rotationDays: 365, graceDays: 30 }));
  }

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
      throw invalidInput(parsed.error);
    }
    const data = parsed.data;
    if (data.neverExpire && !options.confirmNeverExpire) {
      throw new KeywardError('INVALID_INPUT', 'A key that never expires needs an explicit confirmation.');
    }
    const defaults = this.defaults();
    const now = this.store.clock.now();
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
      accepts: data.accepts ?? DEFAULT_ACCEPTED_CREDENTIAL,
      rateLimit: data.rateLimit ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const nameKey = integrationNameKey(integration.name);
    const key = this.store.db
      .transaction(() => {
        this.assertNameFree(nameKey, null);
        this.store.integrations.insert(integration, nameKey);
        const issued = this.lifecycle.issueFirstKey(
          integration,
          now,
          integration.neverExpire ? null : integration.rotationDays,
        );
        this.store.log.append({
          actor: options.actor,
          action: 'integration.create',
          outcome: 'success',
          integrationId: integration.id,
          keyId: issued.id,
          details: {
            name: integration.name,
            platform: integration.platform,
            neverExpire: integration.neverExpire,
            accepts: integration.accepts,
            rateLimit: describeRateLimit(integration.rateLimit),
          },
        });
        return issued;
      })
      .immediate();
    this.store.changed([integration.id]);
    return { integration, key };
  }

  /** Edits details and IP ACL (never key material). A new rotation period re-times the active key. */
  editIntegration(ref: string, patch: unknown, options: Actor): Integration {
    const parsed = integrationEditSchema.safeParse(patch);
    if (!parsed.success) {
      throw invalidInput(parsed.error);
    }
    const data = parsed.data;
    const updated = this.store.db
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
          ...(data.accepts !== undefined ? { accepts: data.accepts } : {}),
          ...(data.rateLimit !== undefined ? { rateLimit: data.rateLimit } : {}),
          updatedAt: this.store.clock.now(),
        };
        const nameKey = integrationNameKey(next.name);
        this.assertNameFree(nameKey, current.id);
        this.store.integrations.update(next, nameKey);
        if (next.rotationDays !== current.rotationDays && !next.neverExpire) {
          const active = this.store.keys.active(current.id);
          if (active && active.expiresAt !== null) {
            this.store.keys.setExpiry(active.id, active.createdAt + next.rotationDays * DAY_MS);
          }
        }
        const changed = Object.keys(data).sort().join(',');
        this.store.log.append({
          actor: options.actor,
          action: 'integration.edit',
          outcome: 'success',
          integrationId: current.id,
          details: {
            fields: changed,
            ...(data.accepts !== undefined ? { accepts: data.accepts } : {}),
            ...(data.rateLimit !== undefined ? { rateLimit: describeRateLimit(next.rateLimit) } : {}),
          },
        });
        return next;
      })
      .immediate();
    this.store.changed([updated.id]);
    return updated;
  }

  /** Turns API access on or off; off = none of its keys verify, all are kept. */
  setEnabled(ref: string, enabled: boolean, options: Actor): Integration {
    const updated = this.store.db
      .transaction(() => {
        const current = this.requireIntegration(ref);
        const next = { ...current, enabled, updatedAt: this.store.clock.now() };
        this.store.integrations.update(next, integrationNameKey(next.name));
        this.store.log.append({
          actor: options.actor,
          action: enabled ? 'integration.enable' : 'integration.disable',
          outcome: 'success',
          integrationId: current.id,
        });
        return next;
      })
      .immediate();
    this.store.changed([updated.id]);
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
    const updated = this.store.db
      .transaction(() => {
        const current = this.requireIntegration(ref);
        const now = this.store.clock.now();
        const next = { ...current, neverExpire: on, updatedAt: now };
        this.store.integrations.update(next, integrationNameKey(next.name));
        const active = this.store.keys.active(current.id);
        if (active) {
          this.store.keys.setExpiry(
            active.id,
            on ? null : Math.max(active.createdAt + current.rotationDays * DAY_MS, now + 30 * DAY_MS),
          );
        }
        this.store.log.append({
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
    this.store.changed([updated.id]);
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
    const deletedId = this.store.db
      .transaction(() => {
        const current = this.requireIntegration(ref);
        const keyCount = this.store.keys.forIntegration(current.id).length;
        this.store.integrations.remove(current.id);
        this.store.log.append({
          actor: options.actor,
          action: 'integration.delete',
          outcome: 'success',
          integrationId: current.id,
          details: { name: current.name, keysEnded: keyCount },
        });
        return current.id;
      })
      .immediate();
    this.store.changed([deletedId]);
  }

  /** The current name of the integration with this id, or null when there is none (any more). */
  integrationName(id: string): string | null {
    return this.store.integrations.byId(id)?.name ?? null;
  }

  /** An integration by id or by name (case-insensitive); NOT_FOUND otherwise. */
  requireIntegration(ref: string): Integration {
    return this.store.requireIntegration(ref);
  }

  /** All integrations, in name order (filtering is `searchIntegrations`). */
  listIntegrations(): Integration[] {
    return this.store.integrations.all();
  }

  /** Filter-as-you-type: a page of integrations matching `term`, and the total (fast at 100k). */
  searchIntegrations(term: string, page: { offset?: number; limit?: number } = {}): SearchPage<Integration> {
    return this.store.searchIndex.search(term, page);
  }

  private assertNameFree(nameKey: string, exceptId: string | null): void {
    const existing = this.store.integrations.byNameKey(nameKey);
    if (existing && existing.id !== exceptId) {
      throw new KeywardError('INVALID_STATE', `An integration named "${existing.name}" already exists.`);
    }
  }
}
