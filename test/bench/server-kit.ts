// Shared pieces of the server benchmarks (issue 11, docs/targets.md): seeding N keys, the Keyward server
// and the bare baselines as child processes (so the load generator never shares their event loop),
// enrolling a device, and a small keep-alive load generator on raw sockets. All traffic stays on
// 127.0.0.1; every child process is killed when the benchmark exits.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey } from '../../shared/keys/key-format.ts';
import type {
  PublishBatch,
  PublishedIntegration,
  PublishedKeyFacts,
} from '../../shared/sync/publish-batch.ts';
import { openStorage } from '../../server/storage/open-storage.ts';
import { nodeLookupHash } from '../../server/verify/node-lookup-hash.ts';
import { enrol, newDeviceKey, signIn } from '../support/server-client.ts';
import { runLoad, type LoadResult } from './load-generator.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DAY = 86_400_000;
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) {
    child.kill('SIGKILL');
  }
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => process.exit(130));
}

/**
 * Runs this benchmark again under `scripts/with-postgres.sh` (a throwaway PostgreSQL cluster) when
 * no cluster is there yet, and exits with its status; returns the database URL when there is one.
 */
export function ensurePostgres(): string {
  const url = process.env.KEYWARD_TEST_DATABASE_URL;
  if (url) {
    return url;
  }
  const script = process.argv[1] as string;
  const run = spawnSync('bash', [join(ROOT, 'scripts/with-postgres.sh'), process.execPath, script], {
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}

/** `n` keys over `n / 1000` integrations (at least one): the material (kept here only) and the facts. */
export function makeKeys(n: number): {
  integrations: PublishedIntegration[];
  keys: { material: string; facts: PublishedKeyFacts }[];
} {
  const now = Date.now();
  const integrations = Array.from({ length: Math.max(1, Math.ceil(n / 1000)) }, (_, i) => ({
    integrationId: randomUUID(),
    integrationName: `Bench API ${i}`,
    neverExpire: false,
    graceDays: 30,
    enabled: true,
    ipAcl: [],
    accepts: 'key-or-secret' as const,
    rateLimit: null,
  }));
  const keys = Array.from({ length: n }, (_, i) => {
    const material = generateApiKey('kw_');
    return {
      material,
      facts: {
        keyId: randomUUID(),
        integrationId: (integrations[i % integrations.length] as PublishedIntegration).integrationId,
        lookupHash: nodeLookupHash(material),
        status: 'active' as const,
        createdAt: now - DAY,
        expiresAt: now + 300 * DAY,
        graceEndsAt: null,
        endedAt: null,
      },
    };
  });
  return { integrations, keys };
}

/** A snapshot batch of integrations, keys and (optionally) Secret signing keys. */
export function snapshotBatch(
  seed: ReturnType<typeof makeKeys>,
  signingKeys: { kid: string; x: string }[] = [],
): PublishBatch {
  return {
    batchId: randomUUID(),
    snapshot: true,
    ops: [
      ...seed.integrations.map((integration) => ({ op: 'putIntegration' as const, integration })),
      ...seed.keys.map((key) => ({ op: 'putKey' as const, key: key.facts })),
      ...signingKeys.map((key) => ({
        op: 'putSigningKey' as const,
        signingKey: { kid: key.kid, x: key.x, createdAt: Date.now() },
      })),
    ],
  };
}

/** Writes `batch` straight into the storage at `dataDir` / `databaseUrl` (no server running). */
export async function seedStorage(
  target: { dataDir: string; databaseUrl?: string | undefined },
  batch: PublishBatch,
): Promise<void> {
  const storage = await openStorage({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
  try {
    const outcome = await storage.applyBatch(batch, { deviceId: null, now: Date.now() });
    if (outcome.kind !== 'applied') {
      throw new Error(`seeding failed: ${outcome.kind}`);
    }
  } finally {
    await storage.close();
  }
}

/** A child process serving HTTP on 127.0.0.1. */
export interface ServedProcess {
  url: string;
  port: number;
  pid: number;
  /** The process's resident set size and its peak, from /proc (bytes). */
  memory(): { rss: number; peak: number };
  /** CPU time the process has used so far, user + system (ms, from /proc; 10 ms resolution). */
  cpuMs(): number;
  stop(): Promise<void>;
}

function served(child: ChildProcess, url: string): ServedProcess {
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid as number,
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = (field: string) =>
        Number(/(\d+) kB/.exec(status.split('\n').find((l) => l.startsWith(field)) ?? '')?.[1]);
      return { rss: kib('VmRSS:') * 1024, peak: kib('VmHWM:') * 1024 };
    },
    cpuMs() {
      // Fields after the command name's closing parenthesis: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      children.delete(child);
    },
  };
}

async function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${output}`));
    });
  });
}

let bundled = false;

/**
 * Builds the server bundle (`scripts/build-server.ts` → out/server/) once per benchmark process, so
 * `bin/keyward-server.cjs` runs it — what a user's `keyward-server start` runs after `npm run setup`.
 * `KEYWARD_SERVER_SOURCE=1` measures the sources instead (the launcher then skips the bundle).
 */
export function ensureServerBundle(): void {
  if (bundled || process.env.KEYWARD_SERVER_SOURCE === '1') {
    return;
  }
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-server.ts')], { encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`could not bundle the server: ${build.stderr}`);
  }
  process.stdout.write(build.stdout);
  bundled = true;
}

/**
 * Starts the real server the way a user does (`keyward-server start`: `bin/keyward-server.cjs`, which
 * runs the bundle, {@link ensureServerBundle}) on a free port and waits until `/readyz` answers 200
 * (its index loaded). The per-IP failed-verification limit is lifted: benchmarks count 401s.
 */
export async function startKeywardServer(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
  instance?: string;
  readyTimeoutMs?: number;
}): Promise<ServedProcess> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  if (options.databaseUrl) {
    env.DATABASE_URL = options.databaseUrl;
  }
  ensureServerBundle();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/keyward-server.cjs'),
      'start',
      '--data',
      options.dataDir,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--failed-limit',
      '1000000',
      '--log-level',
      'warn',
      ...(options.instance ? ['--instance', options.instance] : []),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  const match = await waitForLine(child, /listening on (http:\/\/[^\s]+)/, 'keyward-server');
  const url = match[1] as string;
  child.stdout?.resume();
  child.stderr?.resume();
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    const status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) {
      break;
    }
    if (Date.now() > deadline) {
      throw new Error('keyward-server did not load its index in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return served(child, url);
}

/** Starts `baseline-server.ts` (a bare `node:http` server; mode `secret` verifies Secrets with `crypto.verify`). */
export async function startBaselineServer(
  mode: 'bare' | 'secret',
  secretKey?: { x: string },
): Promise<ServedProcess> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'test/bench/baseline-server.ts'), mode, ...(secretKey ? [secretKey.x] : [])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  const match = await waitForLine(child, /listening on (http:\/\/[^\s]+)/, 'baseline server');
  child.stdout?.resume();
  child.stderr?.resume();
  return served(child, match[1] as string);
}

/** Enrols a fresh device on a running server (an `init` code on its storage) and signs in: a bearer token. */
export async function deviceToken(
  server: ServedProcess,
  target: { dataDir: string; databaseUrl?: string | undefined },
): Promise<string> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  if (target.databaseUrl) {
    env.DATABASE_URL = target.databaseUrl;
  }
  const init = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/keyward-server.cjs'), 'init', '--data', target.dataDir, '--json'],
    { env, encoding: 'utf8' },
  );
  if (init.status !== 0) {
    throw new Error(`keyward-server init failed: ${init.stderr}`);
  }
  const { enrolmentCode } = JSON.parse(init.stdout) as { enrolmentCode: string };
  const device = newDeviceKey();
  const enrolled = await enrol(server.url, device, enrolmentCode, 'Bench laptop');
  if (enrolled.status !== 201) {
    throw new Error(`enrol answered ${enrolled.status}`);
  }
  const { token } = await signIn(server.url, device);
  if (!token) {
    throw new Error('sign-in failed');
  }
  return token;
}

export { runLoad, type LoadResult } from './load-generator.ts';

/** {@link runLoad} against `server`, also measuring the server's CPU time per request. */
export async function loadOn(
  server: ServedProcess,
  options: Omit<Parameters<typeof runLoad>[0], 'port'>,
): Promise<LoadResult> {
  const cpuBefore = server.cpuMs();
  const result = await runLoad({ ...options, port: server.port });
  return { ...result, cpuPerRequestUs: ((server.cpuMs() - cpuBefore) * 1000) / result.requests };
}

/** One line for a {@link LoadResult}. */
export function describeLoad(result: LoadResult): string {
  return `${result.perSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  ${result.cpuPerRequestUs === undefined ? '' : `  server CPU ${result.cpuPerRequestUs.toFixed(0)} µs/req`}  (${result.requests} requests${result.unexpected ? `, ${result.unexpected} UNEXPECTED STATUS` : ''})`;
}
