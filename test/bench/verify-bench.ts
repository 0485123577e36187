// The measuring half of the two /v1/verify benchmarks (verify-key.bench.ts, verify-secret.bench.ts):
// warm both servers, alternate rounds of the same load on each, print the rounds, the medians
// (req/s, p50, p99) and the server CPU per request, stop both, and report the ratio.
import { alternate, median, reportResult } from './bench-kit.ts';
import { describeLoad, loadOn, type LoadResult, type ServedProcess } from './server-kit.ts';

/** One side of a verify benchmark: a running server, the path it is asked, and its label in the output. */
export interface VerifySide {
  server: ServedProcess;
  path: string;
  label: string;
}

/**
 * Drives `keyward` and `baseline` with the same closed-loop load (`headers` cycled, `connections`
 * keep-alive connections), a 1 s warm-up each, then `rounds` alternating rounds of `durationMs`;
 * stops both servers and prints `RESULT <name> ratio=<keyward req/s ÷ baseline req/s> target>=<target>`.
 * Every answer must be 200 on both sides.
 */
export async function runVerifyBench(options: {
  name: string;
  target: number;
  keyward: VerifySide;
  baseline: VerifySide;
  headers: readonly Record<string, string>[];
  connections: number;
  rounds: number;
  durationMs: number;
}): Promise<void> {
  const { keyward, baseline, headers, connections } = options;
  const load = (side: VerifySide, durationMs: number) =>
    loadOn(side.server, { path: side.path, headers, connections, durationMs });
  await load(keyward, 1000);
  await load(baseline, 1000);
  const rounds = await alternate<LoadResult>({
    warmup: 0,
    rounds: options.rounds,
    candidate: () => load(keyward, options.durationMs),
    baseline: () => load(baseline, options.durationMs),
  });
  await Promise.all([keyward.server.stop(), baseline.server.stop()]);
  const width = Math.max(keyward.label.length, baseline.label.length) + 1;
  const sides = [
    [keyward, rounds.candidate],
    [baseline, rounds.baseline],
  ] as const;
  for (const [side, results] of sides) {
    results.forEach((result, i) =>
      console.log(`round ${i + 1} ${`${side.label}:`.padEnd(width)} ${describeLoad(result)}`),
    );
  }
  for (const [side, results] of sides) {
    console.log(
      `${`${side.label}:`.padEnd(width)} ${median(results.map((r) => r.perSecond)).toFixed(0)} req/s, p50 ${median(results.map((r) => r.p50)).toFixed(2)} ms, p99 ${median(results.map((r) => r.p99)).toFixed(2)} ms`,
    );
  }
  const cpu = (results: readonly LoadResult[]) =>
    median(results.map((r) => r.cpuPerRequestUs ?? 0)).toFixed(0);
  console.log(
    `server CPU per request (less sensitive to a busy machine than req/s): ${keyward.label} ${cpu(rounds.candidate)} µs, ${baseline.label} ${cpu(rounds.baseline)} µs`,
  );
  const rate = (results: readonly LoadResult[]) => median(results.map((result) => result.perSecond));
  reportResult({
    name: options.name,
    ratio: rate(rounds.candidate) / rate(rounds.baseline),
    op: '>=',
    target: options.target,
    checks: [
      {
        label: 'every answer 200',
        pass: [...rounds.candidate, ...rounds.baseline].every((r) => r.unexpected === 0),
      },
    ],
  });
}
