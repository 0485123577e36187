// The process crash-safety.test.ts kills with SIGKILL at a random moment. It runs one workload
// against a vault forever and reports on stdout, one line each, only what has already completed:
//   ready                      the vault is open and the workload starts now
//   txn <txn> <firstId> <n>    a transaction of n rows (ids firstId … firstId+n-1) has committed
//   password <0|1>             changePassword returned; the vault now opens with CRASH_PASSWORDS[i]
//   creating <i> / created <i> create() of vault number i started / returned
// (reportLine in kill-harness.ts: a reported line is never ahead of the disk.)
//
// Usage: node test/reliability/crash-child.ts <mode> <vault path | folder for create> <current password index>
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { KeywardError } from '../../shared/errors.ts';
import { createSystemClock } from '../../electron/vault/clock.ts';
import type { Vault } from '../../electron/vault/vault.ts';
import {
  CRASH_MODES,
  CRASH_PASSWORDS,
  CRASH_TABLE_SQL,
  insertCrashTransaction,
  weakVault,
} from './crash-workload.ts';
import type { CrashMode } from './crash-workload.ts';
import { reportLine as report } from './kill-harness.ts';

function openVault(path: string): Vault {
  // Weak Argon2id for speed (see WEAK_KDF).
  return weakVault(path, createSystemClock());
}

/** Unlocks with the password the parent says is current, falling back to the other one. */
async function unlock(vault: Vault, current: number): Promise<number> {
  for (const index of [current, 1 - current]) {
    try {
      await vault.unlockWithPassword(CRASH_PASSWORDS[index] ?? '');
      return index;
    } catch (error) {
      if (!(error instanceof KeywardError && error.code === 'WRONG_PASSWORD')) {
        throw error;
      }
    }
  }
  throw new Error('crash-child: neither password opens the vault');
}

async function writeForever(vault: Vault): Promise<never> {
  const db = vault.database();
  let txn = (db.prepare('SELECT coalesce(max(txn), 0) AS txn FROM crash_rows').get() as { txn: number }).txn;
  for (;;) {
    txn += 1;
    // Mostly small transactions, now and then a large one that pushes the WAL past a checkpoint.
    const count =
      Math.random() < 0.03 ? 100 + Math.floor(Math.random() * 300) : 1 + Math.floor(Math.random() * 20);
    const first = insertCrashTransaction(db, txn, count);
    report(`txn ${txn} ${first} ${count}`);
    await nextTurn();
  }
}

async function changePasswordsForever(vault: Vault, current: number): Promise<never> {
  for (;;) {
    const next = 1 - current;
    await vault.changePassword(CRASH_PASSWORDS[current] ?? '', CRASH_PASSWORDS[next] ?? '');
    current = next;
    report(`password ${current}`);
  }
}

async function createForever(folder: string, password: string): Promise<never> {
  for (let i = 0; ; i++) {
    const vault = openVault(join(folder, `v${i}`, 'keyward.vault'));
    report(`creating ${i}`);
    await vault.create(password);
    vault.lock();
    report(`created ${i}`);
  }
}

async function main(): Promise<void> {
  const [mode, path, currentArg] = process.argv.slice(2);
  if (!CRASH_MODES.includes(mode as CrashMode) || path === undefined) {
    throw new Error(`usage: crash-child.ts <${CRASH_MODES.join('|')}> <path> [current password index]`);
  }
  const current = currentArg === '1' ? 1 : 0;
  if (mode === 'create') {
    report('ready');
    await createForever(path, CRASH_PASSWORDS[0]);
  }
  const vault = openVault(path);
  const opened = await unlock(vault, current);
  vault.database().exec(CRASH_TABLE_SQL);
  report('ready');
  if (mode === 'writes') {
    await writeForever(vault);
  } else if (mode === 'passwords') {
    await changePasswordsForever(vault, opened);
  } else {
    await Promise.all([writeForever(vault), changePasswordsForever(vault, opened)]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
