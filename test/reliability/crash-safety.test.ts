// docs/targets.md: kill -9 at random points while writing, changing the master password and creating a
// vault. A child process (crash-child.ts) runs one workload against a real vault and reports what
// has completed; the parent SIGKILLs it a random 5–150 ms after it is ready, then checks that the
// vault opens with the old or the new password, `PRAGMA integrity_check` is ok, every transaction
// the child reported as committed is there in full, and no transaction is there in part.
//
// Rounds per workload: KEYWARD_RELIABILITY_ROUNDS (default 20; `npm run test:reliability` runs 200).
// The kill delays come from a seeded generator: KEYWARD_RELIABILITY_SEED replays a run's delays
// (the seed is printed, and named in every failure).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KeywardError } from '../../shared/errors.ts';
import type { Vault } from '../../electron/vault/vault.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { makeTempDir } from '../support/temp-vault.ts';
import { CRASH_PASSWORDS, CRASH_TABLE_SQL, crashRowBody, weakVault } from './crash-workload.ts';
import type { CrashMode } from './crash-workload.ts';
import { killDelay, ROUNDS, runAndKill, SEED, seededRandom, timeoutFor } from './kill-harness.ts';
import type { KillRun as ChildRun } from './kill-harness.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
/** The writing workloads start a fresh vault every this many rounds, so the checks stay quick. */
const ROUNDS_PER_VAULT = 10;
const TIMEOUT_MS = timeoutFor(ROUNDS);

console.log(`crash-safety: ${ROUNDS} rounds per workload, KEYWARD_RELIABILITY_SEED=${SEED}`);

const temp = makeTempDir('keyward-crash-');
afterAll(() => temp.cleanup());

function vaultAt(path: string): Vault {
  // The same weak Argon2id as the child (WEAK_KDF).
  return weakVault(path, new FakeClock());
}

/** Runs the child, kills it `delayMs` after it reports ready, and returns everything it reported. */
function runChild(
  mode: CrashMode,
  target: string,
  currentPassword: number,
  delayMs: number,
): Promise<ChildRun> {
  return runAndKill(CHILD, [mode, target, String(currentPassword)], delayMs);
}

/** Unlocks with each candidate in turn; returns the vault and which password opened it. */
async function unlockWithEither(
  path: string,
  candidates: readonly number[],
): Promise<{ vault: Vault; index: number }> {
  const failures: string[] = [];
  for (const index of candidates) {
    const vault = vaultAt(path);
    try {
      await vault.unlockWithPassword(CRASH_PASSWORDS[index] ?? '');
      return { vault, index };
    } catch (error) {
      failures.push(error instanceof KeywardError ? `${error.code}: ${error.message}` : String(error));
    }
  }
  throw new Error(
    `the vault opens with none of the passwords ${candidates.join(', ')}:\n${failures.join('\n')}`,
  );
}

/** Committed transactions, from the child's `txn <txn> <firstId> <n>` lines. */
function committedTransactions(lines: string[]): { txn: number; first: number; n: number }[] {
  return lines
    .filter((line) => line.startsWith('txn '))
    .map((line) => {
      const [, txn, first, n] = line.split(' ').map(Number);
      return { txn: txn ?? NaN, first: first ?? NaN, n: n ?? NaN };
    });
}

/** Names a round in failure messages, with what is needed to replay it. */
function describeRound(mode: CrashMode, round: number, run: ChildRun): string {
  return `${mode} round ${round + 1}/${ROUNDS}, killed ${run.delayMs} ms after ready, seed ${SEED}, last line "${run.lines.at(-1) ?? ''}"`;
}

async function newVault(path: string): Promise<void> {
  const vault = vaultAt(path);
  await vault.create(CRASH_PASSWORDS[0]);
  vault.database().exec(CRASH_TABLE_SQL);
  vault.lock();
}

/**
 * Runs `mode` against one vault for {@link ROUNDS_PER_VAULT} rounds in a row, so each round also
 * re-checks everything the earlier rounds committed (and survived the earlier crashes' recovery).
 */
async function crashWhileWriting(mode: Exclude<CrashMode, 'create'>, seedOffset: number): Promise<void> {
  const random = seededRandom(SEED + seedOffset);
  let path = '';
  let current = 0;
  const committed = new Map<number, number>(); // first id → n, over every round on this vault
  let committedEver = 0;
  let passwordChangesSeen = 0;
  for (let round = 0; round < ROUNDS; round++) {
    if (round % ROUNDS_PER_VAULT === 0) {
      path = join(temp.dir, mode, `vault-${round / ROUNDS_PER_VAULT}`, 'keyward.vault');
      await newVault(path);
      current = 0;
      committed.clear();
    }
    const run = await runChild(mode, path, current, killDelay(random));
    const where = describeRound(mode, round, run);
    for (const { first, n } of committedTransactions(run.lines)) {
      committed.set(first, n);
      committedEver += 1;
    }
    const reported = run.lines.filter((line) => line.startsWith('password ')).at(-1);
    passwordChangesSeen += run.lines.filter((line) => line.startsWith('password ')).length;
    if (reported !== undefined) {
      current = Number(reported.slice('password '.length));
    }
    // The password last reported as set, or the one a change in flight was setting; with only the
    // writing workload running, nothing changes the password, so only the current one may open it.
    const candidates = mode === 'writes' ? [current] : [current, 1 - current];
    const { vault, index } = await unlockWithEither(path, candidates).catch((error: unknown) => {
      throw new Error(`${where}: ${String(error)}`);
    });
    current = index;
    try {
      const db = vault.database();
      expect(db.pragma('integrity_check', { simple: true }), where).toBe('ok');
      const body = db.prepare('SELECT body FROM crash_rows WHERE id = ?').pluck();
      for (const [first, n] of committed) {
        for (let id = first; id < first + n; id++) {
          const found = body.get(id) as Buffer | undefined;
          if (found === undefined || !found.equals(crashRowBody(id))) {
            expect.fail(`${where}: committed row ${id} is ${found === undefined ? 'missing' : 'altered'}`);
          }
        }
      }
      // Atomicity: every transaction on disk is there whole (all n of its rows) or not at all.
      const torn = db
        .prepare(
          'SELECT txn, count(*) AS rows, max(n) AS n FROM crash_rows GROUP BY txn HAVING count(*) <> max(n)',
        )
        .all();
      expect(torn, where).toEqual([]);
    } finally {
      vault.lock();
    }
  }
  if (mode !== 'passwords') {
    expect(
      committedEver,
      `${mode}: the child never committed anything; the test checked nothing`,
    ).toBeGreaterThan(0);
  }
  if (mode !== 'writes') {
    expect(passwordChangesSeen, `${mode}: no password change ever completed`).toBeGreaterThan(0);
  }
}

describe('kill -9 at a random moment', () => {
  it(
    'while writing transactions: no committed row is lost, none is torn, integrity_check is ok',
    async () => {
      await crashWhileWriting('writes', 1);
    },
    TIMEOUT_MS,
  );

  it(
    'while changing the master password back and forth: the vault opens with the old or the new one',
    async () => {
      await crashWhileWriting('passwords', 2);
    },
    TIMEOUT_MS,
  );

  it(
    'while writing and changing the password at once: both guarantees hold together',
    async () => {
      await crashWhileWriting('mixed', 3);
    },
    TIMEOUT_MS,
  );

  it(
    'while creating vaults: each is either whole and opens, or absent and creatable — never half',
    async () => {
      const random = seededRandom(SEED + 4);
      for (let round = 0; round < ROUNDS; round++) {
        const folder = join(temp.dir, 'create', `round-${round}`);
        const run = await runChild('create', folder, 0, killDelay(random));
        const where = describeRound('create', round, run);
        const created = new Set(run.lines.filter((l) => l.startsWith('created ')).map((l) => l.slice(8)));
        const started = run.lines.filter((l) => l.startsWith('creating ')).map((l) => l.slice(9));
        const folders = existsSync(folder) ? readdirSync(folder).map((name) => name.slice(1)) : [];
        // Only the vault whose create was in flight may be unfinished.
        expect(folders.filter((i) => !created.has(i)).length, where).toBeLessThanOrEqual(1);
        for (const i of started) {
          const path = join(folder, `v${i}`, 'keyward.vault');
          const vault = vaultAt(path);
          if (created.has(i) || vault.exists()) {
            const { vault: opened } = await unlockWithEither(path, [0]).catch((error: unknown) => {
              throw new Error(`${where}: vault ${i}: ${String(error)}`);
            });
            expect(opened.database().pragma('integrity_check', { simple: true }), where).toBe('ok');
            opened.lock();
          } else {
            // Absent: a retry must succeed where the interrupted create left off.
            await vault.create(CRASH_PASSWORDS[0]).catch((error: unknown) => {
              throw new Error(`${where}: vault ${i} is absent but create() fails: ${String(error)}`);
            });
            expect(vault.database().pragma('integrity_check', { simple: true }), where).toBe('ok');
            vault.lock();
            await unlockWithEither(path, [0]).then(({ vault: again }) => again.lock());
          }
        }
      }
    },
    TIMEOUT_MS,
  );
});
