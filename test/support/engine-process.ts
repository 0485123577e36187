// Engines in other processes, for the tests of what several processes (CLI commands side by side)
// do to one vault: a vault made with weak Argon2id (the subject is the locking and the counting, not
// the KDF), and a child Node process that runs a script against it with the real engine.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createSystemClock } from '../../electron/vault/clock.ts';
import { KeywardEngine } from '../../electron/vault/keyward-engine.ts';
import { makeTempDir, MemoryKeychain } from './temp-vault.ts';

/** Weak Argon2id for speed: the unlock path is the same. */
export const WEAK_KDF = { memoryKiB: 1024, iterations: 1, parallelism: 1 };

/** A vault made (and locked again) with `password` and {@link WEAK_KDF} in a temp folder. */
export async function createWeakVault(password: string): Promise<{
  path: string;
  /** A new engine on the vault, in this process (system clock, keychain in memory). */
  open: () => KeywardEngine;
  cleanup: () => void;
}> {
  const { dir, cleanup } = makeTempDir();
  const path = join(dir, 'k.vault');
  const open = () =>
    new KeywardEngine({
      path,
      clock: createSystemClock(),
      keychain: new MemoryKeychain(),
      actor: 'owner',
      kdfTuning: WEAK_KDF,
      allowWeakKdf: true,
    });
  const creator = open();
  await creator.create(password);
  creator.lock();
  return { path, open, cleanup };
}

/**
 * Runs `body` (ES module code, top-level await allowed) in a child Node process where
 * `openEngine()` gives a new engine on the vault at `path` (actor `actor`, system clock, no
 * keychain, {@link WEAK_KDF}). Resolves with its exit code and output once it has ended.
 */
export function runEngineProcess(
  path: string,
  body: string,
  options: { actor: string },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = process.cwd();
  const script = `
    import { KeywardEngine } from ${JSON.stringify(join(root, 'electron/vault/keyward-engine.ts'))};
    import { createSystemClock } from ${JSON.stringify(join(root, 'electron/vault/clock.ts'))};
    const keychain = { set: async () => {}, get: async () => null, delete: async () => false, probe: async () => ({ available: false, reason: 'test' }) };
    const openEngine = () => new KeywardEngine({ path: ${JSON.stringify(path)}, clock: createSystemClock(), keychain,
      actor: ${JSON.stringify(options.actor)}, kdfTuning: ${JSON.stringify(WEAK_KDF)}, allowWeakKdf: true });
    ${body}
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout: stdout.trim(), stderr }));
  });
}
