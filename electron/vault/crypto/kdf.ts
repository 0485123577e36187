import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/** Argon2id parameters, stored in the vault header so unlock uses exactly what create used. */
export interface KdfParams {
  algorithm: 'argon2id';
  /** Memory in KiB. */
  memoryKiB: number;
  /** Passes over memory (t). */
  iterations: number;
  /** Lanes (p). */
  parallelism: number;
  /** Base64 salt, 16 random bytes. */
  salt: string;
}

/**
 * Floor for every vault: 64 MiB, t = 3 (docs/domain-rules.md). The defaults equal the floor; a vault whose
 * header is below the current defaults is re-wrapped with them on its next successful unlock.
 */
export const KDF_MINIMUM = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 } as const;
export const KDF_DEFAULTS = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 } as const;

/** Fresh parameters with a new random salt. */
export function newKdfParams(
  tuning: { memoryKiB: number; iterations: number; parallelism: number } = KDF_DEFAULTS,
): KdfParams {
  return { algorithm: 'argon2id', ...tuning, salt: randomBytes(16).toString('base64') };
}

/** True when `params` are weaker than the current defaults (so the key should be re-wrapped). */
export function isBelowDefaults(params: KdfParams): boolean {
  return (
    params.memoryKiB < KDF_DEFAULTS.memoryKiB ||
    params.iterations < KDF_DEFAULTS.iterations ||
    params.parallelism < KDF_DEFAULTS.parallelism
  );
}

/**
 * How a vault turns its master password into the key-encryption key: {@link deriveKeyFromPassword},
 * or a host's stand-in that returns the same bytes sooner (the CLI starts the hash before it loads
 * the engine: electron/cli/kdf-prefetch.ts). The caller owns the returned buffer and zeroes it.
 */
export type DeriveKey = (password: string, params: KdfParams) => Promise<Buffer>;

/**
 * Derives the 256-bit key-encryption key from the master password with Argon2id.
 * The `argon2` binding runs the hash on libuv's thread pool, so the calling thread (Electron's
 * main process, and through it the UI) never blocks while it runs.
 */
export async function deriveKeyFromPassword(password: string, params: KdfParams): Promise<Buffer> {
  return argon2.hash(password, {
    type: argon2.argon2id,
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    salt: Buffer.from(params.salt, 'base64'),
    hashLength: 32,
    raw: true,
  });
}
