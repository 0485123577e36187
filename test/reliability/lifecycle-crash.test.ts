// docs/targets.md: kill -9 at random points while rotating, revoking and creating: no key lost, the
// one-active-key invariant holds, `PRAGMA integrity_check` is ok, the activity log chain verifies.
// A child process (lifecycle-crash-child.ts) runs a random mix of key-lifecycle operations through a
// KeywardEngine and reports what has committed; the parent SIGKILLs it a random 5–150 ms after it is
// ready, opens the vault and checks it against everything the child ever reported on that vault:
// integrity_check; exactly one active key per integration and the partial unique index that keeps
// it; every reported key still there with its material (matching its lookup hash, checksum and the
// fingerprint reported); every reported integration there; the log chain verifies and holds an entry
// for every reported operation; the master list holds the active key of every enabled integration.
// The next child starts on the same vault, so its unlock also recovers from the previous kill.
//
// Two deliberately broken children (LIFECYCLE_FAULTS) show that these checks catch a torn rotation
// and a key reported before it committed.
//
// Rounds: KEYWARD_RELIABILITY_ROUNDS (default 20; `npm run test:reliability` runs 200).
// KEYWARD_RELIABILITY_SEED replays a run's kill delays and the children's choices of operations.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseApiKey, maskKey } from '../../shared/keys/key-format.ts';
import { ActivityLog } from '../../electron/vault/audit/activity-log.ts';
import { ApiKeysRepo } from '../../electron/vault/keys/api-keys.repo.ts';
import type { StoredKey } from '../../electron/vault/keys/api-keys.repo.ts';
import { createVaultKeys } from '../../electron/vault/keys/vault-keys.ts';
import { KeywardEngine } from '../../electron/vault/keyward-engine.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { makeTempDir, MemoryKeychain } from '../support/temp-vault.ts';
import { WEAK_KDF, weakVault } from './crash-workload.ts';
import { killDelay, ROUNDS, runAndKill, SEED, seededRandom, timeoutFor } from './kill-harness.ts';
import type { KillRun } from './kill-harness.ts';
import { LIFECYCLE_OPS, LIFECYCLE_PASSWORD, OP_ACTIONS, parseCommitted } from './lifecycle-workload.ts';
import type { CommittedLine, LifecycleFault, LifecycleOp } from './lifecycle-workload.ts';

const CHILD = fileURLToPath(new URL('./lifecycle-crash-child.ts', import.meta.url));
/** A fresh vault every this many rounds, so the checks stay quick. */
const ROUNDS_PER_VAULT = 10;
/** A faulty child is given up to this many rounds to be caught (each kill lands in its window ~90%). */
const FAULT_ROUNDS = 8;
const START_MS = Date.UTC(2026, 0, 1);
/** At most this many problems are listed per round. */
const MAX_PROBLEMS = 20;

console.log(`lifecycle-crash: ${ROUNDS} rounds, KEYWARD_RELIABILITY_SEED=${SEED}`);

const temp = makeTempDir('keyward-lifecycle-crash-');
afterAll(() => temp.cleanup());

/** Everything the children reported as committed on one vault, over all its rounds. */
class Ledger {
  /** Reported key id → its integration, and the fingerprint of its material when it was reported active. */
  readonly keys = new Map<string, { integrationId: string; fingerprint: string | null }>();
  /** Integration id → the active key last reported for it. */
  readonly lastActive = new Map<string, string>();
  /** `<action> <keyId>` entries the log must hold. */
  readonly entries = new Set<string>();
  /** Committed lines: each stands for at least one log entry of its own. */
  committed = 0;

  record(line: CommittedLine): void {
    this.committed += 1;
    for (const keyId of line.keyIds) {
      if (!this.keys.has(keyId)) {
        this.keys.set(keyId, { integrationId: line.integrationId, fingerprint: null });
      }
    }
    this.keys.set(line.activeKeyId, { integrationId: line.integrationId, fingerprint: line.fingerprint });
    this.lastActive.set(line.integrationId, line.activeKeyId);
    if (line.op !== 'runDue') {
      this.entries.add(`${OP_ACTIONS[line.op]} ${line.activeKeyId}`);
    }
  }
}

/** What the whole run covered, so a run that checked nothing cannot pass. */
class Coverage {
  readonly ops = new Map<LifecycleOp, number>(LIFECYCLE_OPS.map((op) => [op, 0]));
  autoRotations = 0;

  count(line: CommittedLine, previousActive: string | undefined): void {
    this.ops.set(line.op, (this.ops.get(line.op) ?? 0) + 1);
    if (line.op === 'runDue' && previousActive !== undefined && previousActive !== line.activeKeyId) {
      this.autoRotations += 1;
    }
  }
}

async function newVault(path: string): Promise<void> {
  const engine = new KeywardEngine({
    path,
    clock: new FakeClock(START_MS),
    keychain: new MemoryKeychain(),
    actor: 'owner@seed',
    kdfTuning: WEAK_KDF,
    allowWeakKdf: true,
  });
  await engine.create(LIFECYCLE_PASSWORD);
  engine.lock();
}

/**
 * Opens the vault as the kill left it (the vault alone: no engine, so no catch-up runs first) and
 * lists every way it falls short of what the ledger says was committed. Returns the problems and the
 * vault's latest log time, from which the next child's clock starts.
 */
async function checkVault(path: string, ledger: Ledger): Promise<{ problems: string[]; now: number }> {
  const vault = weakVault(path, new FakeClock(START_MS));
  await vault.unlockWithPassword(LIFECYCLE_PASSWORD);
  try {
    const db = vault.database();
    const problems: string[] = [];
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') {
      problems.push(`integrity_check: ${String(integrity)}`);
    }
    const now = db.prepare('SELECT coalesce(max(at), 0) FROM activity_log').pluck().get() as number;
    const clock = new FakeClock(now);
    const log = new ActivityLog(db, clock);
    const { lifecycle, verification } = createVaultKeys({ db, clock, log });

    // Exactly one active key per integration, and the index that makes "at most one" a constraint.
    for (const { integrationId, n } of lifecycle.invariantViolations()) {
      problems.push(`integration ${integrationId} has ${n} active keys, not exactly one`);
    }
    const indexSql = db
      .prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'api_keys_one_active'`)
      .pluck()
      .get() as string | undefined;
    if (!/^CREATE UNIQUE INDEX .*\(integration_id\) WHERE status = 'active'$/.test(indexSql ?? '')) {
      problems.push(`the partial unique index api_keys_one_active is missing or changed: ${indexSql}`);
    }

    // No key lost: every reported key is there, with material that matches its hash, mask and checksum.
    const repo = new ApiKeysRepo(db);
    const rows = new Map<string, StoredKey>();
    for (const view of repo.all()) {
      const stored = repo.storedById(view.id);
      if (stored !== null) {
        rows.set(stored.id, stored);
      }
    }
    for (const [keyId, expected] of ledger.keys) {
      const row = rows.get(keyId);
      if (row === undefined) {
        problems.push(
          `key ${keyId} of integration ${expected.integrationId} was reported committed and is missing`,
        );
        continue;
      }
      const hash = createHash('sha256').update(row.material, 'utf8').digest('hex');
      if (row.integrationId !== expected.integrationId) {
        problems.push(
          `key ${keyId} moved from integration ${expected.integrationId} to ${row.integrationId}`,
        );
      }
      if (hash !== row.lookupHash) {
        problems.push(`key ${keyId}: its material does not match its lookup hash`);
      }
      if (expected.fingerprint !== null && !row.lookupHash.startsWith(expected.fingerprint)) {
        problems.push(`key ${keyId}: its material is not the material reported (${expected.fingerprint}…)`);
      }
      if (!parseApiKey(row.material).ok || row.masked !== maskKey(row.material)) {
        problems.push(`key ${keyId}: its material is not a well-formed key matching its mask`);
      }
    }

    // Every reported integration is there, and its active key is the last one reported or a successor.
    const integrations = new Map(
      (db.prepare('SELECT id, enabled FROM integrations').all() as { id: string; enabled: number }[]).map(
        (row) => [row.id, row.enabled === 1],
      ),
    );
    for (const [integrationId, reportedActive] of ledger.lastActive) {
      if (!integrations.has(integrationId)) {
        problems.push(`integration ${integrationId} was reported committed and is missing`);
        continue;
      }
      let key = rows.get(reportedActive);
      for (let hops = 0; key !== undefined && key.status !== 'active' && hops <= rows.size; hops++) {
        key = key.replacedBy === null ? undefined : rows.get(key.replacedBy);
      }
      if (key?.status !== 'active' || key.integrationId !== integrationId) {
        problems.push(
          `integration ${integrationId}: no line of successors leads from the last reported active key ${reportedActive} to an active key`,
        );
      }
    }

    // The log: the chain verifies, and every reported operation committed with its entry.
    const verdict = log.verify();
    if (!verdict.ok) {
      problems.push(`activity log chain broken at entry ${verdict.firstBadSeq}: ${verdict.reason}`);
    }
    if (verdict.entries < ledger.committed) {
      problems.push(
        `activity log has ${verdict.entries} entries, fewer than the ${ledger.committed} operations reported`,
      );
    }
    const logged = new Set(
      log
        .all()
        .filter((entry) => entry.keyId !== null)
        .map((entry) => `${entry.action} ${entry.keyId}`),
    );
    for (const entry of ledger.entries) {
      if (!logged.has(entry)) {
        problems.push(`activity log lacks the entry "${entry}" of a reported operation`);
      }
    }

    // The master list holds the active key of every enabled integration (unless it is past its expiry:
    // a kill in the middle of runDue leaves that for the next catch-up).
    const accepted = new Map(verification.masterList(now).map((entry) => [entry.keyId, entry]));
    for (const row of rows.values()) {
      const due = row.expiresAt !== null && row.expiresAt <= now;
      if (row.status !== 'active' || due || integrations.get(row.integrationId) !== true) {
        continue;
      }
      if (accepted.get(row.id)?.lookupHash !== row.lookupHash) {
        problems.push(
          `the master list lacks active key ${row.id} of enabled integration ${row.integrationId}`,
        );
      }
    }
    return { problems: problems.slice(0, MAX_PROBLEMS), now };
  } finally {
    vault.lock();
  }
}

/** Names a round in failure messages, with what is needed to replay it. */
function describeRound(label: string, round: number, rounds: number, run: KillRun): string {
  return `${label} round ${round + 1}/${rounds}, killed ${run.delayMs} ms after ready, seed ${SEED}, last line "${run.lines.at(-1) ?? ''}"`;
}

/**
 * Runs `rounds` kill rounds, {@link ROUNDS_PER_VAULT} to a vault, checking the vault after each.
 * A correct child (`fault` unset) must leave no problem in any round; a faulty one stops at the first
 * round with problems and returns them.
 */
async function crashRounds(options: {
  label: string;
  rounds: number;
  seedOffset: number;
  fault?: LifecycleFault;
}): Promise<{ coverage: Coverage; caught: string[] }> {
  const { label, rounds, seedOffset, fault } = options;
  const random = seededRandom(SEED + seedOffset);
  const coverage = new Coverage();
  let path = '';
  let ledger = new Ledger();
  let startMs = START_MS;
  for (let round = 0; round < rounds; round++) {
    if (round % ROUNDS_PER_VAULT === 0) {
      path = join(temp.dir, label, `vault-${round / ROUNDS_PER_VAULT}`, 'keyward.vault');
      await newVault(path);
      ledger = new Ledger();
      startMs = START_MS;
    }
    const childSeed = Math.floor(random() * 2 ** 31);
    const args = [path, String(startMs + 60_000), String(childSeed), ...(fault ? [fault] : [])];
    const run = await runAndKill(CHILD, args, killDelay(random));
    const where = describeRound(label, round, rounds, run);
    for (const text of run.lines) {
      const line = parseCommitted(text);
      if (line !== null) {
        coverage.count(line, ledger.lastActive.get(line.integrationId));
        ledger.record(line);
      }
    }
    const { problems, now } = await checkVault(path, ledger).catch((error: unknown) => {
      throw new Error(`${where}: the vault does not open: ${String(error)}`);
    });
    startMs = now;
    if (fault !== undefined) {
      if (problems.length > 0) {
        console.log(`${label}: caught in round ${round + 1}: ${problems[0]}`);
        return { coverage, caught: problems };
      }
    } else {
      expect(problems, where).toEqual([]);
    }
  }
  return { coverage, caught: [] };
}

describe('kill -9 at a random moment during key-lifecycle operations', () => {
  it(
    'no key is lost, one key is active per integration, integrity_check is ok, the log verifies',
    async () => {
      const { coverage } = await crashRounds({ label: 'lifecycle', rounds: ROUNDS, seedOffset: 11 });
      const total = [...coverage.ops.values()].reduce((sum, n) => sum + n, 0);
      const counts = [...coverage.ops].map(([op, n]) => `${op} ${n}`).join(', ');
      console.log(`lifecycle-crash: committed ${counts} (${coverage.autoRotations} rotated at expiry)`);
      expect(total, 'the child never committed anything; the test checked nothing').toBeGreaterThan(0);
      if (ROUNDS >= 10) {
        // Enough rounds that every kind of operation must have committed at least once.
        for (const [op, n] of coverage.ops) {
          expect(n, `no ${op} ever committed in ${ROUNDS} rounds`).toBeGreaterThan(0);
        }
        expect(coverage.autoRotations, 'runDue never rotated a key at its expiry').toBeGreaterThan(0);
      }
    },
    timeoutFor(ROUNDS),
  );

  it(
    'the checks catch a rotation done in two transactions (a kill between them leaves no active key)',
    async () => {
      const { caught } = await crashRounds({
        label: 'torn-rotate',
        rounds: FAULT_ROUNDS,
        seedOffset: 12,
        fault: 'torn-rotate',
      });
      expect(caught.join('\n'), `seed ${SEED}`).toMatch(/has 0 active keys, not exactly one/);
    },
    timeoutFor(FAULT_ROUNDS),
  );

  it(
    'the checks catch a key reported before its transaction committed (a kill loses it)',
    async () => {
      const { caught } = await crashRounds({
        label: 'report-early',
        rounds: FAULT_ROUNDS,
        seedOffset: 13,
        fault: 'report-early',
      });
      expect(caught.join('\n'), `seed ${SEED}`).toMatch(/was reported committed and is missing/);
    },
    timeoutFor(FAULT_ROUNDS),
  );
});
