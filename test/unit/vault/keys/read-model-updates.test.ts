import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KeyTableSort } from '../../../../shared/domain/key-table.ts';
import { IntegrationSearch } from '../../../../electron/vault/keys/integration-search.ts';
import { IntegrationsRepo } from '../../../../electron/vault/keys/integrations.repo.ts';
import type { KeyChange } from '../../../../electron/vault/keys/key-change.ts';
import { createVaultKeys } from '../../../../electron/vault/keys/vault-keys.ts';
import { KeyTable } from '../../../../electron/vault/keys/key-table.ts';
import { lifecyclesPerTest } from '../../../support/lifecycle-per-test.ts';

// The key table and the integration search index update from change events (only the integrations
// a change names are read again) instead of rebuilding from every row. Whatever happens, what they
// show must be what a fresh build from the database shows.

const DAY = 86_400_000;
const newLifecycle = lifecyclesPerTest();

function setup() {
  const made = newLifecycle();
  const changes: KeyChange[] = [];
  const keys = createVaultKeys({
    db: made.db,
    clock: made.clock,
    log: made.log,
    onChange: (change) => changes.push(change),
  });
  return { ...made, ...keys, changes };
}

const SORTS: KeyTableSort[] = [
  'integration',
  'platform',
  'status',
  'expiresAt',
  'graceEndsAt',
  'lastUsedAt',
  'createdAt',
];
const TERMS = ['', 'svc', 'a', 'web', 'grace', 'kw_', 'é', '𝒜'];
const NAMES = ['alpha', 'Beta', 'svc-1', 'svc-2', 'Éclair', 'zulu', '\uE000 private', '𝒜 script', 'web'];

type Op =
  | { kind: 'create'; name: number; platform: 'web' | 'server'; rotationDays: number }
  | { kind: 'rename'; target: number; name: number }
  | {
      kind: 'rotate' | 'regenerate' | 'enable' | 'disable' | 'delete' | 'use' | 'delete-ended';
      target: number;
    }
  | { kind: 'revoke'; target: number; graceDays: number }
  | { kind: 'advance'; days: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    name: fc.nat(NAMES.length * 3),
    platform: fc.constantFrom('web' as const, 'server' as const),
    rotationDays: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ kind: fc.constant('rename' as const), target: fc.nat(20), name: fc.nat(NAMES.length * 3) }),
  fc.record({
    kind: fc.constantFrom(
      'rotate' as const,
      'regenerate' as const,
      'enable' as const,
      'disable' as const,
      'delete' as const,
      'use' as const,
      'delete-ended' as const,
    ),
    target: fc.nat(20),
  }),
  fc.record({
    kind: fc.constant('revoke' as const),
    target: fc.nat(20),
    graceDays: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 20 }) }),
);

function nameFor(index: number): string {
  return `${NAMES[index % NAMES.length]}${index >= NAMES.length ? ` ${index}` : ''}`;
}

describe('read models updated from change events', () => {
  it('always show what a fresh build from the database shows (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        const { lifecycle, due, integrations, db, clock } = setup();
        const actor = { actor: 'owner@test' };
        const check = (): void => {
          const fresh = new KeyTable(db);
          for (const sort of SORTS) {
            for (const direction of ['asc', 'desc'] as const) {
              for (const term of TERMS) {
                const query = { term, sort, direction, offset: 0, limit: 1000 };
                expect(lifecycle.keyTable(query)).toEqual(fresh.query(query));
              }
            }
          }
          const search = new IntegrationSearch(db, new IntegrationsRepo(db));
          for (const term of TERMS) {
            expect(integrations.searchIntegrations(term, { limit: 1000 })).toEqual(
              search.search(term, { limit: 1000 }),
            );
          }
        };
        check(); // build the read models first, so every later change is an update
        for (const step of ops) {
          const all = integrations.listIntegrations();
          const target = 'target' in step && all.length > 0 ? all[step.target % all.length] : undefined;
          try {
            switch (step.kind) {
              case 'create':
                integrations.createIntegration(
                  {
                    name: nameFor(step.name),
                    platform: step.platform,
                    rotationDays: step.rotationDays,
                    graceDays: 2,
                  },
                  actor,
                );
                break;
              case 'rename':
                if (target) {
                  integrations.editIntegration(target.id, { name: nameFor(step.name) }, actor);
                }
                break;
              case 'rotate':
                if (target) {
                  lifecycle.rotate(target.id, actor);
                }
                break;
              case 'regenerate':
                if (target) {
                  lifecycle.regenerate(target.id, actor);
                }
                break;
              case 'revoke':
                if (target) {
                  lifecycle.revoke(target.id, { graceDays: step.graceDays, newLifetimeDays: 10 }, actor);
                }
                break;
              case 'enable':
              case 'disable':
                if (target) {
                  integrations.setEnabled(target.id, step.kind === 'enable', actor);
                }
                break;
              case 'delete':
                if (target) {
                  integrations.deleteIntegration(target.id, { ...actor, confirmed: true });
                }
                break;
              case 'use':
                if (target) {
                  lifecycle.recordUse(lifecycle.activeKey(target.id).id, clock.now());
                }
                break;
              case 'delete-ended': {
                const ended = lifecycle
                  .listKeys()
                  .find((key) => key.status === 'expired' || key.status === 'revoked');
                if (ended) {
                  lifecycle.deleteKey(ended.id, actor);
                }
                break;
              }
              case 'advance':
                clock.advance(step.days * DAY);
                due.runDue();
                break;
            }
          } catch (error) {
            // A name taken twice is refused; nothing changed, which the check below also covers.
            if (!(error instanceof Error) || !/already exists/.test(error.message)) {
              throw error;
            }
          }
          check();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('change events name the integrations each change touched', () => {
    const { lifecycle, due, integrations, changes, clock } = setup();
    const actor = { actor: 'owner@test' };
    const a = integrations.createIntegration(
      { name: 'A', platform: 'web', rotationDays: 5, graceDays: 1 },
      actor,
    );
    const b = integrations.createIntegration({ name: 'B', platform: 'web', rotationDays: 30 }, actor);
    lifecycle.rotate(b.integration.id, actor);
    integrations.editIntegration(a.integration.id, { name: 'A2' }, actor);
    clock.advance(6 * DAY); // A's key is due: rotated by the scheduler's step
    due.runDue();
    integrations.deleteIntegration(b.integration.id, { ...actor, confirmed: true });
    expect(changes.map((change) => change.integrationIds)).toEqual([
      [a.integration.id],
      [b.integration.id],
      [b.integration.id],
      [a.integration.id],
      [a.integration.id],
      [b.integration.id],
    ]);
  });
});
