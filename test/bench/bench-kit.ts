// Shared helpers for the ratio benchmarks of docs/targets.md: the machine banner, statistics, interleaved
// rounds, temp folders and the closing RESULT line. Every benchmark in test/bench/ uses these.
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { makeTempDir } from '../support/temp-vault.ts';

/** The CPU model as /proc/cpuinfo names it (falls back to `os.cpus()` elsewhere). */
function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('model name'));
    if (line) {
      return line.slice(line.indexOf(':') + 1).trim();
    }
  } catch {
    // Not Linux: os.cpus() below.
  }
  return cpus()[0]?.model.trim() ?? 'unknown';
}

const GIB = 1024 ** 3;

/** Prints the benchmark's title and the machine it runs on; call first. */
export function printHeader(title: string, extra: Record<string, string> = {}): void {
  const cores = cpus();
  const lines: Record<string, string> = {
    cpu: `${cpuModel()}${cores[0]?.speed ? ` @ ${cores[0].speed} MHz` : ''}`,
    cores: `${cores.length}`,
    memory: `${(totalmem() / GIB).toFixed(1)} GiB (${(freemem() / GIB).toFixed(1)} GiB free)`,
    os: `${process.platform} ${release()} ${process.arch}`,
    node: process.version,
    'load avg': loadavg()
      .map((value) => value.toFixed(2))
      .join(' '),
    ...extra,
  };
  console.log(`# ${title}`);
  for (const [key, value] of Object.entries(lines)) {
    console.log(`${`${key}:`.padEnd(10)} ${value}`);
  }
  console.log('');
}

/** The value below which `p` percent of `values` fall (nearest rank; p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    throw new Error('percentile of no values');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** The median (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error('median of no values');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Milliseconds for humans: 3 significant figures below 100, whole numbers above. */
export function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toPrecision(3)} ms`;
}

/** One line of summary statistics for a series of timings. */
export function describeTimings(values: readonly number[]): string {
  return `median ${ms(median(values))}  min ${ms(Math.min(...values))}  p90 ${ms(percentile(values, 90))}  max ${ms(Math.max(...values))}  (n=${values.length})`;
}

/**
 * Runs `candidate` and `baseline` back to back: candidate first on even rounds, baseline first on
 * odd ones, so drift, garbage collection and other processes on the machine hit both sides alike.
 */
export async function pair<T>(
  round: number,
  candidate: () => T | Promise<T>,
  baseline: () => T | Promise<T>,
): Promise<{ candidate: T; baseline: T }> {
  if (round % 2 === 0) {
    const first = await candidate();
    return { candidate: first, baseline: await baseline() };
  }
  const first = await baseline();
  return { candidate: await candidate(), baseline: first };
}

/** `warmup` discarded rounds of {@link pair}, then `rounds` measured ones. */
export async function alternate<T>(options: {
  warmup: number;
  rounds: number;
  candidate: () => T | Promise<T>;
  baseline: () => T | Promise<T>;
}): Promise<{ candidate: T[]; baseline: T[] }> {
  const candidate: T[] = [];
  const baseline: T[] = [];
  for (let round = 0; round < options.warmup + options.rounds; round++) {
    const sample = await pair(round, options.candidate, options.baseline);
    if (round >= options.warmup) {
      candidate.push(sample.candidate);
      baseline.push(sample.baseline);
    }
  }
  return { candidate, baseline };
}

/** A positive whole number from the environment (e.g. KEYWARD_BENCH_ROUNDS), or `fallback`. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive whole number, not ${raw}`);
  }
  return value;
}

/** A fresh temp folder, removed when the process exits (also after a failure). */
export function benchTempDir(prefix: string): string {
  const { dir, cleanup } = makeTempDir(prefix);
  process.on('exit', cleanup);
  return dir;
}

/** An additional pass/fail condition that decides the RESULT line along with the ratio. */
export interface Check {
  label: string;
  pass: boolean;
}

/**
 * Prints the closing `RESULT <name> ratio=<x> target<op><y> pass|fail` line (RESULT lines must be
 * the last lines of output) and sets the exit code: 1 on fail; 0 on pass unless an earlier RESULT of
 * the same run failed (a benchmark with two targets, like cli-startup, prints two). `checks` must
 * also all pass; each is printed on its own line just before.
 */
export function reportResult(result: {
  name: string;
  ratio: number;
  op: '<=' | '>=';
  target: number;
  checks?: readonly Check[];
}): void {
  const { name, ratio, op, target, checks = [] } = result;
  const meets = (value: number): boolean => (op === '<=' ? value <= target : value >= target);
  const ratioPass = meets(ratio);
  for (const check of checks) {
    console.log(`check ${check.label}: ${check.pass ? 'pass' : 'fail'}`);
  }
  const pass = ratioPass && checks.every((check) => check.pass);
  // Two decimals, or more where rounding would put the printed ratio on the other side of the target.
  let shown = ratio.toFixed(2);
  for (let digits = 3; meets(Number(shown)) !== ratioPass && digits <= 8; digits++) {
    shown = ratio.toFixed(digits);
  }
  console.log(`RESULT ${name} ratio=${shown} target${op}${target} ${pass ? 'pass' : 'fail'}`);
  process.exitCode = pass && process.exitCode !== 1 ? 0 : 1;
}
