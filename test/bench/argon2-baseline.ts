// The bare Argon2id baseline of the password ratios of docs/targets.md (`unlock`, `cli-startup`):
// the hash alone, in the benchmark's own process, with the vault's parameters. Its own module, so
// that benchmarks that never hash (the server's) do not load the argon2 binding through bench-kit.
import { performance } from 'node:perf_hooks';
import { deriveKeyFromPassword } from '../../electron/vault/crypto/kdf.ts';
import type { KdfParams } from '../../electron/vault/crypto/kdf.ts';

/** The master password of the benchmarks' vaults. */
export const BENCH_PASSWORD = 'correct horse battery staple';

/** Times one bare Argon2id hash of `password` with `params`, in ms; the derived key is zeroed. */
export async function timeBareArgon2id(params: KdfParams, password = BENCH_PASSWORD): Promise<number> {
  const start = performance.now();
  const key = await deriveKeyFromPassword(password, params);
  const elapsed = performance.now() - start;
  key.fill(0);
  return elapsed;
}
