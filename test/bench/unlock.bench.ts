// docs/targets.md: unlock with the master password ≤ 1.15 × the bare Argon2id hash with the same
// parameters, and ≤ 1 s on 2 cores. `npm run bench:unlock`; figures in BENCHMARKS.md.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSystemClock } from '../../electron/vault/clock.ts';
import { deriveKeyFromPassword, KDF_DEFAULTS } from '../../electron/vault/crypto/kdf.ts';
import { BENCH_PASSWORD as PASSWORD, timeBareArgon2id } from './argon2-baseline.ts';
import { unwrapKey } from '../../electron/vault/crypto/key-wrap.ts';
import { openVaultDatabase } from '../../electron/vault/db/open-database.ts';
import { UnlockLockout } from '../../electron/vault/unlock-lockout.ts';
import { passwordWrapContext, readVaultHeader } from '../../electron/vault/vault-header.ts';
import { Vault } from '../../electron/vault/vault.ts';
import { MemoryKeychain } from '../support/temp-vault.ts';
import {
  alternate,
  benchTempDir,
  describeTimings,
  envCount,
  median,
  ms,
  printHeader,
  reportResult,
} from './bench-kit.ts';

const TARGET_RATIO = 1.15;
const TARGET_ABSOLUTE_MS = 1000;
const ROUNDS = envCount('KEYWARD_BENCH_ROUNDS', 41);
const WARMUP = 3;
const COMPONENT_REPEATS = 100;
/** Repeats of the open timed right after a hash (each one costs a hash). */
const AFTER_HASH_REPEATS = 11;

printHeader('unlock: Vault.unlockWithPassword vs bare Argon2id', {
  argon2id: `${KDF_DEFAULTS.memoryKiB / 1024} MiB, t=${KDF_DEFAULTS.iterations}, p=${KDF_DEFAULTS.parallelism} (KDF_DEFAULTS)`,
  rounds: `${ROUNDS} measured + ${WARMUP} warm-up, alternating, order flipped each round`,
});

const path = join(benchTempDir('keyward-bench-unlock-'), 'keyward.vault');
const vault = new Vault({ path, clock: createSystemClock(), keychain: new MemoryKeychain() });
await vault.create(PASSWORD);
vault.lock();
const header = readVaultHeader(vault.files.header);
const { memoryKiB, iterations, parallelism } = header.kdf;
if (
  memoryKiB !== KDF_DEFAULTS.memoryKiB ||
  iterations !== KDF_DEFAULTS.iterations ||
  parallelism !== KDF_DEFAULTS.parallelism
) {
  throw new Error('bench: the new vault did not get the default Argon2id parameters');
}

async function timeUnlock(): Promise<number> {
  const start = performance.now();
  await vault.unlockWithPassword(PASSWORD);
  const elapsed = performance.now() - start;
  vault.lock();
  return elapsed;
}

const timeBareHash = () => timeBareArgon2id(header.kdf);

const samples = await alternate({
  warmup: WARMUP,
  rounds: ROUNDS,
  candidate: timeUnlock,
  baseline: timeBareHash,
});

// What unlock does besides Argon2id, each step timed on its own. A step may return an untimed
// clean-up (closing the database); `before` runs untimed ahead of each repeat.
async function timeStep(
  step: () => (() => void) | undefined,
  { repeats = COMPONENT_REPEATS, before }: { repeats?: number; before?: () => Promise<void> } = {},
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    await before?.();
    const start = performance.now();
    const cleanup = step();
    times.push(performance.now() - start);
    cleanup?.();
  }
  return median(times);
}
const kek = await deriveKeyFromPassword(PASSWORD, header.kdf);
const dataKey = unwrapKey(header.passwordWrap, kek, passwordWrapContext(header));
if (dataKey === null) {
  throw new Error('bench: the password did not unwrap the data key');
}
const lockout = new UnlockLockout(vault.files.lockout);
const openAndCheck = (): (() => void) => {
  const db = openVaultDatabase(path, { dataKey, create: false });
  db.prepare(`SELECT value FROM meta WHERE key = 'vault_id'`).get();
  return () => db.close();
};
const steps: [string, number][] = [
  [
    'read + zod-parse header',
    await timeStep(() => {
      readVaultHeader(vault.files.header);
      return undefined;
    }),
  ],
  [
    'lockout check + reset',
    await timeStep(() => {
      lockout.assertAllowed(Date.now());
      lockout.reset();
      return undefined;
    }),
  ],
  [
    'AES-GCM unwrap of data key',
    await timeStep(() => {
      unwrapKey(header.passwordWrap, kek, passwordWrapContext(header))?.fill(0);
      return undefined;
    }),
  ],
  ['open database + vault_id check', await timeStep(openAndCheck)],
  // In unlock the open follows 64 MiB of Argon2id memory traffic, which leaves the CPU caches cold.
  [
    '  the same, right after an Argon2id run',
    await timeStep(openAndCheck, {
      repeats: AFTER_HASH_REPEATS,
      before: async () => {
        await timeBareHash();
      },
    }),
  ],
];
kek.fill(0);
dataKey.fill(0);

const unlockMedian = median(samples.candidate);
const hashMedian = median(samples.baseline);
const ratio = unlockMedian / hashMedian;
const pairedOverhead = median(samples.candidate.map((value, i) => value - (samples.baseline[i] ?? value)));

console.log(`unlockWithPassword  ${describeTimings(samples.candidate)}`);
console.log(`bare argon2id       ${describeTimings(samples.baseline)}`);
console.log('');
console.log(
  `overhead beyond argon2id: ${ms(unlockMedian - hashMedian)} (difference of medians; ` +
    `median of per-round differences ${ms(pairedOverhead)})`,
);
console.log(
  `its parts, each timed on its own (median of ${COMPONENT_REPEATS} runs, ${AFTER_HASH_REPEATS} after Argon2id):`,
);
for (const [label, value] of steps) {
  console.log(`  ${label.padEnd(40)} ${ms(value)}`);
}
console.log('');
reportResult({
  name: 'unlock',
  ratio,
  op: '<=',
  target: TARGET_RATIO,
  checks: [
    {
      label: `unlock median ${ms(unlockMedian)} <= ${TARGET_ABSOLUTE_MS} ms`,
      pass: unlockMedian <= TARGET_ABSOLUTE_MS,
    },
  ],
});
