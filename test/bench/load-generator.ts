// The load generator of the server's benchmarks and of its load test (test/integration/server/
// load.test.ts): a closed loop of keep-alive TCP connections on 127.0.0.1. No side effects on import
// (server-kit.ts, which kills its children on exit, re-exports it for the benchmarks).
import { connect } from 'node:net';
import { percentile } from './bench-kit.ts';

/** What one load run measured. */
export interface LoadResult {
  /** CPU time the server process used per answered request (µs), when measured with {@link loadOn}. */
  cpuPerRequestUs?: number;
  requests: number;
  /** Answers whose status was not the expected one (should be 0). */
  unexpected: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/**
 * A bounded closed-loop load generator: `connections` keep-alive TCP connections to 127.0.0.1, each
 * with one request in flight, for `durationMs`. Requests are prebuilt `GET` heads (cycled through
 * `headers`); answers are parsed just enough (status line, Content-Length) to find their end — far
 * cheaper than `http.request`, so the generator is less of a ceiling. Same tool for both sides.
 */
export async function runLoad(options: {
  port: number;
  path: string;
  headers: readonly Record<string, string>[];
  connections: number;
  durationMs: number;
  expectStatus?: number;
}): Promise<LoadResult> {
  const expect = options.expectStatus ?? 200;
  const heads = (options.headers.length > 0 ? options.headers : [{}]).map((headers) =>
    Buffer.from(
      `GET ${options.path} HTTP/1.1\r\nHost: 127.0.0.1:${options.port}\r\n${Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')}\r\n`,
    ),
  );
  const latencies: number[] = [];
  let unexpected = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const connection = () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: options.port, noDelay: true });
      let buffered: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      const send = () => {
        if (performance.now() >= deadline) {
          socket.end();
          resolve();
          return;
        }
        sentAt = performance.now();
        socket.write(heads[next++ % heads.length] as Buffer);
      };
      socket.on('connect', send);
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        for (;;) {
          const end = buffered.indexOf('\r\n\r\n');
          if (end < 0) {
            return;
          }
          const head = buffered.subarray(0, end).toString('latin1');
          const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          if (!length) {
            reject(new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`));
            socket.destroy();
            return;
          }
          const total = end + 4 + Number(length[1]);
          if (buffered.length < total) {
            return;
          }
          if (Number(head.slice(9, 12)) !== expect) {
            unexpected++;
          }
          buffered = buffered.subarray(total);
          latencies.push(performance.now() - sentAt);
          send();
        }
      });
    });
  await Promise.all(Array.from({ length: options.connections }, connection));
  const elapsed = performance.now() - started;
  return {
    requests: latencies.length,
    unexpected,
    perSecond: (latencies.length / elapsed) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}
