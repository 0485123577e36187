import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { compileKeyFacts, DAY_MS, keyAcceptance, keyFactsOf } from '../../../../shared/keys/acceptance.ts';
import type { Acceptance } from '../../../../shared/keys/acceptance.ts';
import { generateApiKey } from '../../../../shared/keys/key-format.ts';
import { lookupHash } from '../../../../shared/keys/lookup-hash.ts';
import { publishedKeySchema } from '../../../../shared/keys/published-key.ts';
import { TokenDecoder } from '../../../../electron/vault/decoder/token-decoder.ts';
import type { KeyCheck } from '../../../../electron/vault/keys/key-verification.ts';
import type { VaultKeys } from '../../../../electron/vault/keys/vault-keys.ts';
import { makeLifecycle } from '../../../support/lifecycle-fixture.ts';
import { lifecyclesPerTest } from '../../../support/lifecycle-per-test.ts';

const actor = { actor: 'owner' };
const setup = lifecyclesPerTest();

/** What a verifier would answer, as `{accepted}` or `{code}`. */
function outcome(result: Acceptance | KeyCheck): { accepted: true } | { code: string } {
  return result.accepted ? { accepted: true } : { code: result.code };
}

describe('the engine answers by the one acceptance rule', () => {
  it('a rotated key still verifies during its grace, then KEY_EXPIRED', () => {
    const { lifecycle, integrations, verification, clock } = setup();
    const { integration, key } = integrations.createIntegration(
      { name: 'Billing', platform: 'server', graceDays: 3 },
      actor,
    );
    const material = lifecycle.material(key.id);
    lifecycle.rotate(integration.id, actor);
    expect(verification.check(material)).toMatchObject({
      accepted: true,
      status: 'grace',
      key: { keyId: key.id },
    });
    clock.advance(3 * DAY_MS - 1);
    expect(outcome(verification.check(material))).toEqual({ accepted: true });
    clock.advance(1);
    expect(outcome(verification.check(material))).toEqual({ code: 'KEY_EXPIRED' });
  });

  it('an active key past its expiry that nobody rotated is accepted for the grace days, then KEY_EXPIRED', () => {
    const { lifecycle, due, integrations, verification, clock } = setup();
    const { key } = integrations.createIntegration(
      { name: 'Billing', platform: 'server', rotationDays: 10, graceDays: 5 },
      actor,
    );
    const material = lifecycle.material(key.id);
    // No scheduler runs here (no desktop): the vault still records the key as active.
    clock.advance(12 * DAY_MS);
    expect(lifecycle.requireKey(key.id).status).toBe('active');
    expect(verification.check(material)).toMatchObject({
      accepted: true,
      status: 'grace',
      graceEndsAt: key.createdAt + 15 * DAY_MS,
    });
    expect(verification.masterList().map((entry) => entry.keyId)).toEqual([key.id]);
    clock.advance(3 * DAY_MS);
    expect(outcome(verification.check(material))).toEqual({ code: 'KEY_EXPIRED' });
    expect(verification.masterList()).toEqual([]);
    // When the scheduler catches up, the answer stays the same.
    due.runDue();
    expect(outcome(verification.check(material))).toEqual({ code: 'KEY_EXPIRED' });
  });

  it('the decoder says the same: a key past its expiry reads grace and is accepted, then expired', async () => {
    const { lifecycle, integrations, verification, clock } = setup();
    const { key } = integrations.createIntegration(
      { name: 'Billing', platform: 'server', rotationDays: 10, graceDays: 5 },
      actor,
    );
    const decoder = new TokenDecoder({ clock, verification });
    const match = async () => {
      const report = await decoder.decode(lifecycle.material(key.id), { utc: true });
      if (!report.ok || report.value.kind !== 'api-key' || report.value.key.match.state !== 'found') {
        throw new Error('expected a vault key');
      }
      return report.value.key.match;
    };
    clock.advance(11 * DAY_MS);
    expect(await match()).toMatchObject({
      key: {
        status: 'grace',
        recordedStatus: 'active',
        graceEndsAt: { epochMs: key.createdAt + 15 * DAY_MS },
      },
      accepted: true,
      notAcceptedReason: null,
    });
    clock.advance(4 * DAY_MS);
    expect(await match()).toMatchObject({
      key: { status: 'expired', recordedStatus: 'active' },
      accepted: false,
      notAcceptedReason: 'KEY_EXPIRED',
    });
  });

  it('disabled API access → API_DISABLED; IP outside the ACL → IP_NOT_ALLOWED; revoked → KEY_REVOKED; unknown → KEY_UNKNOWN', () => {
    const { lifecycle, integrations, verification } = setup();
    const { integration, key } = integrations.createIntegration(
      { name: 'Billing', platform: 'server', ipAcl: ['203.0.113.0/24'] },
      actor,
    );
    const material = lifecycle.material(key.id);
    expect(outcome(verification.check(material, undefined, '203.0.113.50'))).toEqual({ accepted: true });
    expect(outcome(verification.check(material, undefined, '198.51.100.7'))).toEqual({
      code: 'IP_NOT_ALLOWED',
    });
    expect(verification.masterList(undefined, '198.51.100.7')).toEqual([]);
    integrations.setEnabled(integration.id, false, actor);
    expect(outcome(verification.check(material))).toEqual({ code: 'API_DISABLED' });
    integrations.setEnabled(integration.id, true, actor);
    lifecycle.revoke(integration.id, { graceDays: 0, newLifetimeDays: 30 }, actor);
    expect(outcome(verification.check(material))).toEqual({ code: 'KEY_REVOKED' });
    expect(verification.check(generateApiKey('kw_'))).toEqual({
      accepted: false,
      code: 'KEY_UNKNOWN',
      key: null,
    });
  });

  it('check() reads one key by its lookup hash, never the whole master list', () => {
    const { lifecycle, integrations, verification } = setup();
    const { key } = integrations.createIntegration({ name: 'Billing', platform: 'server' }, actor);
    for (let index = 0; index < 20; index += 1) {
      integrations.createIntegration({ name: `other ${index}`, platform: 'web' }, actor);
    }
    const masterList = vi.spyOn(verification, 'masterList');
    const material = lifecycle.material(key.id);
    const result = verification.check(material);
    expect(masterList).not.toHaveBeenCalled();
    expect(result).toMatchObject({
      accepted: true,
      key: { keyId: key.id, lookupHash: lookupHash(material) },
    });
  });

  it('publishes facts in the wire shape the server reads', () => {
    const { lifecycle, integrations, verification } = setup();
    const { key } = integrations.createIntegration(
      { name: 'Billing', platform: 'server', ipAcl: ['2001:db8::/32'] },
      actor,
    );
    const [entry] = verification.masterList();
    expect(publishedKeySchema.parse(entry)).toEqual({
      keyId: key.id,
      integrationId: key.integrationId,
      integrationName: 'Billing',
      lookupHash: lookupHash(lifecycle.material(key.id)),
      status: 'active',
      createdAt: key.createdAt,
      expiresAt: key.expiresAt,
      graceEndsAt: null,
      endedAt: null,
      neverExpire: false,
      graceDays: 30,
      enabled: true,
      ipAcl: ['2001:db8::/32'],
    });
  });
});

// ── property: the SQL pre-filter never changes the answer ─────────────────────

const ACLS = [[], ['203.0.113.0/24'], ['2001:db8::/32', '198.51.100.7']];
const IPS = [undefined, '203.0.113.5', '198.51.100.7', '2001:db8::9', '::ffff:203.0.113.5', '192.0.2.1'];

type Step =
  | {
      op: 'create';
      graceDays: number;
      rotationDays: number;
      neverExpire: boolean;
      acl: number;
      enabled: boolean;
    }
  | { op: 'rotate'; at: number }
  | { op: 'revoke'; at: number; graceDays: number; lifetime: number | null }
  | { op: 'enable'; at: number; on: boolean }
  | { op: 'edit'; at: number; graceDays: number; acl: number }
  | { op: 'never-expire'; at: number; on: boolean }
  | { op: 'advance'; ms: number }
  | { op: 'run-due' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('create' as const),
    graceDays: fc.integer({ min: 0, max: 4 }),
    rotationDays: fc.integer({ min: 1, max: 4 }),
    neverExpire: fc.boolean(),
    acl: fc.nat(ACLS.length - 1),
    enabled: fc.boolean(),
  }),
  fc.record({ op: fc.constant('rotate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('revoke' as const),
    at: fc.nat(),
    graceDays: fc.integer({ min: 0, max: 3 }),
    lifetime: fc.option(fc.integer({ min: 1, max: 3 })),
  }),
  fc.record({ op: fc.constant('enable' as const), at: fc.nat(), on: fc.boolean() }),
  fc.record({
    op: fc.constant('edit' as const),
    at: fc.nat(),
    graceDays: fc.integer({ min: 0, max: 4 }),
    acl: fc.nat(ACLS.length - 1),
  }),
  fc.record({ op: fc.constant('never-expire' as const), at: fc.nat(), on: fc.boolean() }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3 * DAY_MS }) }),
  fc.constant({ op: 'run-due' as const }),
);

function apply(
  { lifecycle, integrations, due }: VaultKeys,
  ids: string[],
  item: Step,
  advance: (ms: number) => void,
  index: number,
) {
  const pick = (at: number) => ids[at % ids.length] as string;
  switch (item.op) {
    case 'create': {
      const { integration } = integrations.createIntegration(
        {
          name: `integration ${index}`,
          platform: 'server',
          graceDays: item.graceDays,
          rotationDays: item.rotationDays,
          neverExpire: item.neverExpire,
          ipAcl: ACLS[item.acl],
          enabled: item.enabled,
        },
        { ...actor, confirmNeverExpire: true },
      );
      ids.push(integration.id);
      return;
    }
    case 'advance':
      advance(item.ms);
      return;
    case 'run-due':
      due.runDue();
      return;
  }
  if (ids.length === 0) {
    return;
  }
  const id = pick(item.at);
  switch (item.op) {
    case 'rotate':
      lifecycle.rotate(id, actor);
      return;
    case 'revoke':
      lifecycle.revoke(
        id,
        { graceDays: item.graceDays, newLifetimeDays: item.lifetime },
        { ...actor, confirmNeverExpire: true },
      );
      return;
    case 'enable':
      integrations.setEnabled(id, item.on, actor);
      return;
    case 'edit':
      integrations.editIntegration(id, { graceDays: item.graceDays, ipAcl: ACLS[item.acl] }, actor);
      return;
    case 'never-expire':
      integrations.setNeverExpire(id, item.on, { ...actor, confirmed: true });
      return;
  }
}

describe('the master list (SQL pre-filter + rule) agrees with the rule alone', () => {
  it('for random key sets, times and client IPs, on a real encrypted vault (property)', () => {
    let acceptedPastExpiry = 0;
    let refusedCodes = new Set<string>();
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer({ min: -2 * DAY_MS, max: 12 * DAY_MS }), { minLength: 1, maxLength: 4 }),
        (steps, offsets) => {
          const made = makeLifecycle();
          const { lifecycle, integrations, verification, clock, cleanup } = made;
          try {
            const ids: string[] = [];
            steps.forEach((item, index) => apply(made, ids, item, (ms) => clock.advance(ms), index));
            const keys = lifecycle.listKeys().map((key) => ({
              key,
              integration: integrations.requireIntegration(key.integrationId),
              material: lifecycle.material(key.id),
            }));
            // Times: each key's boundaries (and a millisecond either side) plus random offsets.
            const times = new Set(offsets.map((offset) => clock.now() + offset));
            for (const { key, integration } of keys) {
              for (const edge of [key.expiresAt, key.graceEndsAt]) {
                if (edge !== null) {
                  for (const at of [edge - 1, edge, edge + 1, edge + integration.graceDays * DAY_MS]) {
                    times.add(at);
                  }
                }
              }
            }
            for (const now of times) {
              for (const ip of IPS) {
                const alone = keys.filter(({ key, integration }) => {
                  const verdict = keyAcceptance(compileKeyFacts(keyFactsOf(key, integration)), now, ip);
                  if (
                    verdict.accepted &&
                    key.status === 'active' &&
                    key.expiresAt !== null &&
                    key.expiresAt <= now
                  ) {
                    acceptedPastExpiry += 1;
                  }
                  return verdict.accepted;
                });
                const listed = verification.masterList(now, ip).map((entry) => entry.keyId);
                expect(listed.sort()).toEqual(alone.map(({ key }) => key.id).sort());
                for (const { key, integration, material } of keys) {
                  const expected = keyAcceptance(compileKeyFacts(keyFactsOf(key, integration)), now, ip);
                  const checked = verification.check(material, now, ip);
                  expect(outcome(checked)).toEqual(outcome(expected));
                  if (!checked.accepted) {
                    refusedCodes = refusedCodes.add(checked.code);
                  }
                }
              }
            }
          } finally {
            cleanup();
          }
        },
      ),
      {
        numRuns: 40,
        // One fixed run reaches every refusal whatever the seed: revoked (no grace), disabled, outside
        // the allow list, and expired (a short-lived key left past its expiry and grace).
        examples: [
          [
            [
              { op: 'create', graceDays: 0, rotationDays: 1, neverExpire: false, acl: 0, enabled: true },
              { op: 'revoke', at: 0, graceDays: 0, lifetime: null },
              { op: 'create', graceDays: 1, rotationDays: 2, neverExpire: false, acl: 1, enabled: false },
              { op: 'create', graceDays: 1, rotationDays: 4, neverExpire: false, acl: 2, enabled: true },
              { op: 'advance', ms: DAY_MS },
            ],
            [0, 3 * DAY_MS],
          ],
        ],
      },
    );
    // The runs reached the cases that matter, so the agreement above means something.
    expect(acceptedPastExpiry).toBeGreaterThan(0);
    expect([...refusedCodes].sort()).toEqual([
      'API_DISABLED',
      'IP_NOT_ALLOWED',
      'KEY_EXPIRED',
      'KEY_REVOKED',
    ]);
  }, 120_000);
});
