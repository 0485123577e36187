// The process lifecycle-crash.test.ts kills with SIGKILL at a random moment. It opens a KeywardEngine
// on a vault, with a fake clock it moves itself, and runs a seeded random mix of key-lifecycle
// operations forever: create an integration, rotate, revoke, regenerate, and runDue after moving
// time on (across expiries and grace ends). It reports on stdout, one line each, only what has
// already committed:
//   ready                                  the engine is unlocked and the workload starts now
//   committed <op> <integrationId> <activeKeyId> <fingerprint> <keyId>…   (see lifecycle-workload.ts)
// A runDue reports one line for each integration it changed. (reportLine in kill-harness.ts: a
// reported line is never ahead of the disk.)
//
// Usage: node test/reliability/lifecycle-crash-child.ts <vault path> <start ms> <seed> [fault]
// A fault (LIFECYCLE_FAULTS) makes the child deliberately wrong, to show that the parent notices.
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep, setImmediate as nextTurn } from 'node:timers/promises';
import { PLATFORMS } from '../../shared/domain/integration.ts';
import { generateApiKey, maskKey } from '../../shared/keys/key-format.ts';
import { ApiKeysRepo } from '../../electron/vault/keys/api-keys.repo.ts';
import { DAY_MS } from '../../electron/vault/keys/key-lifecycle.ts';
import type { EngineServices } from '../../electron/vault/keyward-engine.ts';
import { KeywardEngine } from '../../electron/vault/keyward-engine.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { engineInternals } from '../support/engine-internals.ts';
import { MemoryKeychain } from '../support/temp-vault.ts';
import { WEAK_KDF } from './crash-workload.ts';
import { randomInt, reportLine as report, seededRandom } from './kill-harness.ts';
import {
  fingerprint,
  formatCommitted,
  LIFECYCLE_FAULTS,
  LIFECYCLE_PASSWORD,
  OP_ACTIONS,
} from './lifecycle-workload.ts';
import type { LifecycleFault, LifecycleOp } from './lifecycle-workload.ts';

const ACTOR = 'owner@crash-child';
/** Enough integrations that operations spread out; few enough that the parent's checks stay quick. */
const MAX_INTEGRATIONS = 12;
/** A faulty child works on at least this many integrations. */
const FAULT_INTEGRATIONS = 3;
/**
 * The window a fault leaves open (real time). An operation takes a few ms, so most kills land in it.
 */
const FAULT_GAP_MS = 40;
const PREFIXES = ['kw_', 'cb_', 'x9_', 'svc1_'] as const;
const HOUR_MS = 3_600_000;

class Workload {
  private readonly services: EngineServices;
  private readonly clock: FakeClock;
  private readonly random: () => number;
  private readonly integrations: string[];

  constructor(services: EngineServices, clock: FakeClock, random: () => number) {
    this.services = services;
    this.clock = clock;
    this.random = random;
    this.integrations = services.integrations.listIntegrations().map((integration) => integration.id);
  }

  /** One operation of the normal mix. */
  step(): void {
    const op = this.pickOp();
    const { lifecycle } = this.services;
    if (op === 'create') {
      this.create();
      return;
    }
    if (op === 'runDue') {
      this.runDue();
      return;
    }
    const id = this.pick(this.integrations);
    if (op === 'rotate') {
      lifecycle.rotate(id, { actor: ACTOR });
    } else if (op === 'revoke') {
      // Re-authentication is not what this tests: straight to the lifecycle, as the engine does after it.
      const newLifetimeDays = this.random() < 0.15 ? null : randomInt(this.random, 1, 365);
      lifecycle.revoke(
        id,
        { graceDays: randomInt(this.random, 0, 3), newLifetimeDays },
        { actor: ACTOR, ...(newLifetimeDays === null ? { confirmNeverExpire: true } : {}) },
      );
    } else {
      lifecycle.regenerate(id, { actor: ACTOR });
    }
    this.reportCommitted(op, id);
  }

  /** One operation of a faulty child: build up a few integrations, then rotate them wrongly. */
  async faultyStep(fault: LifecycleFault): Promise<void> {
    if (this.integrations.length < FAULT_INTEGRATIONS) {
      this.create();
      return;
    }
    const id = this.pick(this.integrations);
    if (fault === 'torn-rotate') {
      await this.tornRotate(id);
      this.reportCommitted('rotate', id);
      return;
    }
    // report-early: the rotation and its report run inside an outer transaction that commits later.
    this.services.db.transaction(() => {
      this.services.lifecycle.rotate(id, { actor: ACTOR });
      this.reportCommitted('rotate', id);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, FAULT_GAP_MS);
    })();
  }

  private pickOp(): LifecycleOp {
    if (this.integrations.length === 0) {
      return 'create';
    }
    const weights: [LifecycleOp, number][] = [
      ['create', this.integrations.length < MAX_INTEGRATIONS ? 3 : 0],
      ['rotate', 5],
      ['revoke', 4],
      ['regenerate', 3],
      ['runDue', 4],
    ];
    let roll = this.random() * weights.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [op, weight] of weights) {
      roll -= weight;
      if (roll < 0) {
        return op;
      }
    }
    return 'rotate';
  }

  private pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) {
      throw new Error('lifecycle-crash-child: nothing to pick from');
    }
    return item;
  }

  private create(): void {
    const neverExpire = this.random() < 0.1;
    const { integration } = this.services.integrations.createIntegration(
      {
        name: `crash ${randomUUID().slice(0, 8)}`,
        platform: this.pick(PLATFORMS),
        prefix: this.pick(PREFIXES),
        // Short periods, so the clock the child moves crosses expiries and grace ends often.
        rotationDays: randomInt(this.random, 1, 30),
        graceDays: randomInt(this.random, 0, 3),
        neverExpire,
        enabled: this.random() < 0.85,
      },
      { actor: ACTOR, ...(neverExpire ? { confirmNeverExpire: true } : {}) },
    );
    this.integrations.push(integration.id);
    this.reportCommitted('create', integration.id);
  }

  /** Moves time on by an hour to five days, then applies what fell due (rotations, grace ends). */
  private runDue(): void {
    this.clock.advance(randomInt(this.random, 1, 120) * HOUR_MS);
    const { rotated, expired, failed } = this.services.due.runDue(this.clock.now());
    if (failed.length > 0) {
      throw new Error(`runDue failed: ${JSON.stringify(failed)}`);
    }
    const touched = new Set([...rotated, ...expired].map((key) => key.integrationId));
    for (const id of touched) {
      this.reportCommitted('runDue', id);
    }
  }

  /** The fault: rotate in two transactions, with a window between them. */
  private async tornRotate(id: string): Promise<void> {
    const { db, lifecycle, integrations, log } = this.services;
    const repo = new ApiKeysRepo(db);
    const integration = integrations.requireIntegration(id);
    const old = lifecycle.activeKey(id);
    const now = this.clock.now();
    const newKeyId = randomUUID();
    db.transaction(() =>
      repo.endActive(old.id, {
        status: 'grace',
        graceEndsAt: now + DAY_MS,
        endedAt: null,
        replacedBy: newKeyId,
      }),
    )();
    await sleep(FAULT_GAP_MS);
    const material = generateApiKey(integration.prefix);
    db.transaction(() => {
      repo.insert({
        id: newKeyId,
        integrationId: id,
        material,
        lookupHash: createHash('sha256').update(material, 'utf8').digest('hex'),
        masked: maskKey(material),
        status: 'active',
        createdAt: now,
        expiresAt: integration.neverExpire ? null : now + integration.rotationDays * DAY_MS,
        graceEndsAt: null,
        endedAt: null,
        lastUsedAt: null,
        replacedBy: null,
      });
      log.append({
        actor: ACTOR,
        action: OP_ACTIONS.rotate,
        outcome: 'success',
        integrationId: id,
        keyId: newKeyId,
      });
    })();
  }

  /** Reports what is now true of the integration; fails loudly if the child sees the invariant broken. */
  private reportCommitted(op: LifecycleOp, integrationId: string): void {
    const { lifecycle } = this.services;
    const keys = lifecycle.listKeys(integrationId);
    const active = keys.filter((key) => key.status === 'active');
    if (active.length !== 1 || active[0] === undefined) {
      throw new Error(`after ${op}, integration ${integrationId} has ${active.length} active keys`);
    }
    report(
      formatCommitted({
        op,
        integrationId,
        activeKeyId: active[0].id,
        fingerprint: fingerprint(lifecycle.material(active[0].id)),
        keyIds: keys.map((key) => key.id),
      }),
    );
  }
}

async function main(): Promise<void> {
  const [path, startArg, seedArg, faultArg] = process.argv.slice(2);
  const fault = faultArg as LifecycleFault | undefined;
  if (
    path === undefined ||
    !Number.isFinite(Number(startArg)) ||
    !Number.isFinite(Number(seedArg)) ||
    (fault !== undefined && !LIFECYCLE_FAULTS.includes(fault))
  ) {
    throw new Error(
      `usage: lifecycle-crash-child.ts <vault path> <start ms> <seed> [${LIFECYCLE_FAULTS.join('|')}]`,
    );
  }
  const clock = new FakeClock(Number(startArg));
  const engine = new KeywardEngine({
    path,
    clock,
    keychain: new MemoryKeychain(),
    actor: ACTOR,
    // Weak Argon2id for speed (see WEAK_KDF).
    kdfTuning: WEAK_KDF,
    allowWeakKdf: true,
  });
  // Unlocking runs the scheduler's catch-up: whatever a kill left due is applied here, as in the app.
  // The password typed to unlock is the re-authentication that turning auto-lock off asks for.
  await engine.unlockWithPassword(LIFECYCLE_PASSWORD, { countsAsReauth: true });
  // Below the engine's surface on purpose: the workload drives the lifecycle without re-authentication
  // and injects faults (a torn rotation) no interface can make.
  const services = engineInternals(engine);
  // The child moves time itself and calls runDue directly: no timer may rotate keys, or lock the
  // vault, behind its back.
  services.settings.set({ autoLockMinutes: 0 }, { actor: ACTOR });
  services.scheduler.stop();
  const workload = new Workload(services, clock, seededRandom(Number(seedArg)));
  report('ready');
  for (;;) {
    if (fault === undefined) {
      workload.step();
    } else {
      await workload.faultyStep(fault);
    }
    await nextTurn();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
