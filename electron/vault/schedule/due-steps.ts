import type { ApiKeyView } from '../../../shared/domain/api-key.ts';
import type { Integration } from '../../../shared/domain/integration.ts';
import { KeywardError } from '../../../shared/errors.ts';
import type { KeyLifecycle } from '../keys/key-lifecycle.ts';
import type { KeyStore } from '../keys/key-store.ts';

/** One automatic rotation, as `runDue` hands it to its hook. */
export interface AutoRotation {
  key: ApiKeyView;
  integration: Integration;
  previous: ApiKeyView;
}

/** What one `runDue` did. */
export interface DueResult {
  rotated: ApiKeyView[];
  expired: ApiKeyView[];
  failed: { integrationId: string; message: string }[];
}

/**
 * The steps that happen by time alone (the scheduler runs them): automatic rotation at expiry and
 * the end of grace.
 */
export class DueSteps {
  private readonly store: KeyStore;
  private readonly lifecycle: KeyLifecycle;

  constructor(store: KeyStore, lifecycle: KeyLifecycle) {
    this.store = store;
    this.lifecycle = lifecycle;
  }

  /** When the next key changes state by time alone, or null. */
  nextTransitionAt(): number | null {
    return this.store.keys.nextTransitionAt();
  }

  /**
   * Applies everything due at `now`, idempotently: active keys past their expiry are rotated (their
   * grace is counted from the expiry, as if the app had been running), grace keys past their end
   * become expired. A crash between steps is repaired by the next call.
   */
  runDue(
    now = this.store.clock.now(),
    hooks: { onRotated?: (rotation: AutoRotation) => void } = {},
  ): DueResult {
    const { db, keys, integrations, log } = this.store;
    const rotated: ApiKeyView[] = [];
    const failed: { integrationId: string; message: string }[] = [];
    for (const due of keys.dueRotation(now)) {
      try {
        const key = db
          .transaction(() => {
            const current = keys.active(due.integrationId);
            const integration = integrations.byId(due.integrationId);
            if (
              !current ||
              current.id !== due.id ||
              !integration ||
              current.expiresAt === null ||
              current.expiresAt > now
            ) {
              return null; // changed since we looked
            }
            const fresh = this.lifecycle.replaceActive(integration, {
              now,
              graceDays: integration.graceDays,
              graceFrom: current.expiresAt,
              lifetimeDays: integration.neverExpire ? null : integration.rotationDays,
              action: 'key.auto-rotate',
              actor: 'scheduler',
            });
            // In the same transaction, so what the hook records (the notice) commits with the rotation.
            hooks.onRotated?.({ key: fresh, integration, previous: keys.byId(current.id) ?? current });
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
    const expired = db
      .transaction(() => {
        const ended = keys.expireGrace(now);
        for (const key of ended) {
          log.append({
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
      this.store.changed([...rotated, ...expired].map((key) => key.integrationId));
    }
    return { rotated, expired, failed };
  }
}
