// The SIGKILL harness the reliability tests share: how many rounds, the seed that replays a run's
// kill moments, and running a child process until a seeded random moment after it reports ready.
// Children report on stdout, one line each, only what has already completed (see reportLine).
import { spawn } from 'node:child_process';
import { basename } from 'node:path';

/** Rounds per workload: KEYWARD_RELIABILITY_ROUNDS (default 20; `npm run test:reliability` runs 200). */
export const ROUNDS = Number(process.env['KEYWARD_RELIABILITY_ROUNDS'] ?? 20);

/**
 * Seeds the kill delays (and the children's choices): KEYWARD_RELIABILITY_SEED replays a run. Each
 * test file draws its own when unset; print it and name it in every failure.
 */
export const SEED = Number(process.env['KEYWARD_RELIABILITY_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

/** The child is killed this many ms after it reports ready, drawn uniformly. */
export const MIN_DELAY_MS = 5;
export const MAX_DELAY_MS = 150;

/** A generous per-test timeout: a round takes ~0.3 s (Node start-up ~0.2 s, the kill delay, the checks). */
export function timeoutFor(rounds: number): number {
  return 30_000 + rounds * 3_000;
}

/** mulberry32: a small seeded generator, so a failing run's kill delays can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A whole number from `min` to `max` inclusive. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** The next kill delay. */
export function killDelay(random: () => number): number {
  return randomInt(random, MIN_DELAY_MS, MAX_DELAY_MS);
}

/**
 * For children: one line on stdout. stdout on a pipe is synchronous on Linux, so a reported line is
 * never ahead of the disk; a line lost on another platform only makes the parent's check weaker.
 */
export function reportLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** What a killed child reported before it died, and when it was killed. */
export interface KillRun {
  lines: string[];
  delayMs: number;
}

/**
 * Runs `node script ...args`, SIGKILLs it `delayMs` after its first line `ready`, and returns every
 * line it wrote. Rejects when the child ends on its own (with its stderr) or never gets ready.
 */
export function runAndKill(script: string, args: readonly string[], delayMs: number): Promise<KillRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    const startTimer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (killTimer === undefined && stdout.startsWith('ready\n')) {
        clearTimeout(startTimer);
        killTimer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    // 'close' comes after stdout is drained: every line the child wrote before dying is in `stdout`.
    child.on('close', (code, signal) => {
      clearTimeout(startTimer);
      clearTimeout(killTimer);
      if (signal !== 'SIGKILL' || killTimer === undefined) {
        const name = `${basename(script)} ${args[0] ?? ''}`;
        reject(new Error(`${name} ended on its own (code ${code}, signal ${signal}):\n${stderr}`));
        return;
      }
      resolve({ lines: stdout.split('\n').filter((line) => line !== ''), delayMs });
    });
  });
}
