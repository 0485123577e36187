// CLI start-up (docs/targets.md), both ratios in one run, against baselines measured in the same run:
//   cli-startup-help      `keyward --help`                   ≤ 2.5 × `node -e 0`
//   cli-startup-password  `keyward keys list --json` with KEYWARD_PASSWORD
//                                                            ≤ 1.3 × (`node -e 0` + bare Argon2id)
// Bare Argon2id is the hash alone, in this process, with the bench vault's own parameters (the
// defaults: 64 MiB, t=3, p=1). Every figure is a median of wall-clock times of whole processes,
// `node bin/keyward.cjs …` exactly as a user runs it (so the bundle, when current, and Node's
// compile cache are part of what is measured). `npm run bench:cli-startup` builds the bundle first.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { KdfParams } from '../../electron/vault/crypto/kdf.ts';
import { BENCH_PASSWORD as PASSWORD, timeBareArgon2id } from './argon2-baseline.ts';
import {
  benchTempDir,
  describeTimings,
  envCount,
  median,
  ms,
  printHeader,
  reportResult,
} from './bench-kit.ts';

const HELP_TARGET = 2.5;
const PASSWORD_TARGET = 1.3;
const ROUNDS = envCount('KEYWARD_BENCH_ROUNDS', 21);
const WARMUP = 3;
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'keyward.cjs');
const manifest = join(root, 'out', 'cli', 'manifest.json');

const dir = benchTempDir('keyward-bench-cli-');
const vault = join(dir, 'bench.vault');
// The user's environment minus any Keyward setting, with its own compile cache folder (warmed by
// the warm-up rounds, as a user's is after the first run).
const env: NodeJS.ProcessEnv = {};
for (const [name, value] of Object.entries(process.env)) {
  if (!name.startsWith('KEYWARD_') && name !== 'NODE_COMPILE_CACHE' && name !== 'NODE_OPTIONS') {
    env[name] = value;
  }
}
env['NODE_COMPILE_CACHE'] = join(dir, 'compile-cache');
env['KEYWARD_VAULT'] = vault;
delete env['DBUS_SESSION_BUS_ADDRESS']; // no keychain: the password is the only way in
const withPassword = { ...env, KEYWARD_PASSWORD: PASSWORD };

/** Runs `node ARGS` to completion and returns its wall time; throws if it fails. */
function timeNode(args: readonly string[], childEnv: NodeJS.ProcessEnv = env): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const elapsed = performance.now() - start;
  if (run.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${run.status}: ${String(run.stderr).slice(0, 500)}`);
  }
  return elapsed;
}

// The vault: created and given one integration by the CLI itself (real Argon2id parameters).
timeNode([bin, '--vault', vault, 'init'], withPassword);
timeNode(
  [bin, '--vault', vault, 'integrations', 'add', '--name', 'Bench', '--platform', 'server'],
  withPassword,
);
const { kdf } = JSON.parse(readFileSync(`${vault}.header`, 'utf8')) as { kdf: KdfParams };

printHeader('CLI start-up: keyward --help and a password command vs node -e 0 (+ bare Argon2id)', {
  entry: existsSync(manifest)
    ? 'bin/keyward.cjs → out/cli/keyward.cjs when current (npm run build:cli), else the sources'
    : 'bin/keyward.cjs → electron/cli/main.ts (no bundle: run `npm run build:cli`)',
  argon2id: `${kdf.memoryKiB / 1024} MiB, t=${kdf.iterations}, p=${kdf.parallelism} (the vault's)`,
  rounds: `${ROUNDS} measured + ${WARMUP} warm-up; the four measurements rotate their order each round`,
});

const measurements: Record<string, () => number | Promise<number>> = {
  'node -e 0': () => timeNode(['-e', '0']),
  'keyward --help': () => timeNode([bin, '--help']),
  'bare Argon2id': () => timeBareArgon2id(kdf),
  'keyward keys list --json': () => timeNode([bin, 'keys', 'list', '--json'], withPassword),
};
const names = Object.keys(measurements);
const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(round + i) % names.length]!;
    const elapsed = await measurements[name]!();
    if (round >= WARMUP) {
      samples[name]!.push(elapsed);
    }
  }
}

for (const name of names) {
  console.log(`${name.padEnd(26)} ${describeTimings(samples[name]!)}`);
}
const nodeStart = median(samples['node -e 0']!);
const help = median(samples['keyward --help']!);
const argon2id = median(samples['bare Argon2id']!);
const password = median(samples['keyward keys list --json']!);
console.log('');
console.log(`--help:   ${ms(help)} ÷ ${ms(nodeStart)} = ${(help / nodeStart).toFixed(2)}`);
console.log(
  `password: ${ms(password)} ÷ (${ms(nodeStart)} + ${ms(argon2id)}) = ${(password / (nodeStart + argon2id)).toFixed(2)}`,
);
reportResult({ name: 'cli-startup-help', ratio: help / nodeStart, op: '<=', target: HELP_TARGET });
reportResult({
  name: 'cli-startup-password',
  ratio: password / (nodeStart + argon2id),
  op: '<=',
  target: PASSWORD_TARGET,
});
