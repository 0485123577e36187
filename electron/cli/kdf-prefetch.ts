import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { DeriveKey, KdfParams } from '../vault/crypto/kdf.ts';

/**
 * The commands that open the vault with `unlockEngine` (vault-access.ts) as they start, by path: a
 * group name covers all its subcommands. With a password given up front (`--password-stdin`,
 * KEYWARD_PASSWORD), these unlock with it, so its Argon2id hash can start at once. A command
 * missing here is only slower; one listed wrongly only hashes for nothing.
 */
const UNLOCKING_COMMANDS = [
  'integrations',
  'keys',
  'secret',
  'jwks',
  'log',
  'notices',
  'totp',
  'settings',
  'export',
  'backup now',
  'unlock',
  'server',
  'usage',
];

/** `keys list` for the `list` subcommand of `keys` (the program itself has no name in the path). */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) {
    names.unshift(current.name());
  }
  return names.join(' ');
}

/** Whether the command at `path` unlocks the vault as it starts (see {@link UNLOCKING_COMMANDS}). */
export function unlocksAtStart(path: string): boolean {
  return UNLOCKING_COMMANDS.some((entry) => path === entry || path.startsWith(`${entry} `));
}

/** The header's Argon2id parameters, or null when the header is missing or not what we expect. */
function readKdfParams(headerPath: string): KdfParams | null {
  try {
    const header = JSON.parse(readFileSync(headerPath, 'utf8')) as { kdf?: Partial<KdfParams> } | null;
    const kdf = header?.kdf;
    if (
      kdf?.algorithm === 'argon2id' &&
      Number.isSafeInteger(kdf.memoryKiB) &&
      Number.isSafeInteger(kdf.iterations) &&
      Number.isSafeInteger(kdf.parallelism) &&
      typeof kdf.salt === 'string'
    ) {
      return {
        algorithm: 'argon2id',
        memoryKiB: kdf.memoryKiB!,
        iterations: kdf.iterations!,
        parallelism: kdf.parallelism!,
        salt: kdf.salt,
      };
    }
  } catch {
    // No header, or not JSON: the vault's own unlock reports it.
  }
  return null;
}

function sameParams(a: KdfParams, b: KdfParams): boolean {
  return (
    a.algorithm === b.algorithm &&
    a.memoryKiB === b.memoryKiB &&
    a.iterations === b.iterations &&
    a.parallelism === b.parallelism &&
    a.salt === b.salt
  );
}

/** A started hash: {@link KdfPrefetch.deriveKey} for the engine, {@link KdfPrefetch.dispose} when done. */
export interface KdfPrefetch {
  /** Hands over the prefetched key once, when password and parameters match; derives otherwise. */
  deriveKey: DeriveKey;
  /** Zeroes the prefetched key if nobody took it. */
  dispose(): void;
  /**
   * Settles once the hash is running on the thread pool (or there is nothing to hash). Await it
   * before loading the engine: loading is synchronous work that would otherwise run first.
   */
  started: Promise<void>;
}

/**
 * Starts the Argon2id hash of the master password with the parameters in the vault header at
 * `headerPath` (`password` is asked for only when there is one), before the engine's modules are loaded: Argon2id runs on libuv's thread pool, so
 * loading the engine (SQLite, zod, the services) overlaps with it instead of adding to it. This is
 * what keeps a password command within 1.3 × (Node start-up + bare Argon2id) (docs/targets.md,
 * `npm run bench:cli-startup`).
 *
 * Only the hash is computed early. Nothing is checked: the vault still reads and validates the
 * header, applies the unlock backoff and counts a wrong password exactly as without the prefetch;
 * it just gets the key-encryption key from {@link KdfPrefetch.deriveKey} sooner. The key is handed
 * over once (the vault zeroes it after use); if the password or the parameters the vault asks for
 * differ, or the prefetch failed, it is derived again.
 */
export function prefetchPasswordKey(headerPath: string, password: () => Promise<string>): KdfPrefetch {
  let taken = false;
  let disposed = false;
  let markRunning: () => void = () => undefined;
  const running = new Promise<void>((resolve) => {
    markRunning = resolve;
  });
  const started = (async () => {
    const params = readKdfParams(headerPath);
    if (params === null) {
      return null;
    }
    const [given, { deriveKeyFromPassword }] = await Promise.all([
      password(),
      import('../vault/crypto/kdf.ts'),
    ]);
    const hashing = deriveKeyFromPassword(given, params);
    markRunning();
    const key = await hashing;
    if (disposed) {
      key.fill(0);
      return null;
    }
    return { password: given, params, key, derive: deriveKeyFromPassword };
  })()
    .catch(() => null) // a failure here only means no head start
    .finally(() => markRunning());

  return {
    started: running,
    deriveKey: async (given, params) => {
      const prefetched = await started;
      if (
        prefetched !== null &&
        !taken &&
        prefetched.password === given &&
        sameParams(prefetched.params, params)
      ) {
        taken = true;
        return prefetched.key;
      }
      const { deriveKeyFromPassword } = await import('../vault/crypto/kdf.ts');
      return deriveKeyFromPassword(given, params);
    },
    dispose: () => {
      disposed = true;
      void started.then((prefetched) => {
        if (prefetched !== null && !taken) {
          prefetched.key.fill(0);
        }
      });
    },
  };
}
