import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stopProcess } from './gateways.ts';

/**
 * A real `keyward-server` process (bin/keyward-server.cjs, as `npm run server` runs it) on
 * embedded SQLite in a temp data folder (or PostgreSQL), for the tests that drive it from the
 * outside: the CLI's server commands and walk-through, the kill -9 tests.
 */

/** The server's bin, as installed. */
export const SERVER_BIN = join(resolve(import.meta.dirname, '../..'), 'bin', 'keyward-server.cjs');

function serverEnv(dataDir: string, databaseUrl = ''): NodeJS.ProcessEnv {
  // Embedded SQLite in `dataDir` unless a database URL is given, whatever the developer's shell has.
  return { ...process.env, KEYWARD_SERVER_DATA: dataDir, DATABASE_URL: databaseUrl };
}

/**
 * A fresh one-time owner enrolment code, as the owner gets one: `keyward-server init --data DIR
 * --json` (which also creates the data folder), or with `more` `keyward-server devices add`.
 */
export function issueEnrolmentCodeByCli(dataDir: string, more = true): Promise<string> {
  const args = more ? ['devices', 'add'] : ['init'];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [SERVER_BIN, ...args, '--data', dataDir, '--json'], {
      env: serverEnv(dataDir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) {
        fail(new Error(`keyward-server ${args.join(' ')} exited ${code}: ${stderr}`));
        return;
      }
      done((JSON.parse(stdout) as { enrolmentCode: string }).enrolmentCode);
    });
  });
}

/** A started server process. */
export interface ServerProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT`. */
  base: string;
  port: number;
  /** What it printed on stderr so far (its pino log at the chosen level). */
  logs: () => string;
  /** SIGTERM (SIGKILL after 5 s) and wait for the exit. */
  stop: () => Promise<void>;
}

/** What else {@link startServerProcess} may be told. */
export interface ServerProcessOptions {
  /** `--port` (0, the default: any free port; a restart passes the old one). */
  port?: number;
  /** More `keyward-server start` arguments (`--trusted-proxy …`). */
  args?: readonly string[];
  /** `DATABASE_URL`: PostgreSQL instead of the embedded SQLite in the data folder. */
  databaseUrl?: string;
}

/**
 * `keyward-server start --data DIR --port PORT …args` (PORT 0: any free port), resolved once it
 * listens and `/readyz` says ready; rejected when it exits first or does not listen in 20 s.
 */
export async function startServerProcess(
  dataDir: string,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      SERVER_BIN,
      'start',
      '--data',
      dataDir,
      '--port',
      String(options.port ?? 0),
      '--log-level',
      'warn',
      ...(options.args ?? []),
    ],
    { env: serverEnv(dataDir, options.databaseUrl), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const base = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`keyward-server did not start: ${stderr}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        done(match[1] as string);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`keyward-server exited ${code}: ${stderr}`));
    });
  });
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const ready = await fetch(`${base}/readyz`).catch(() => null);
    if (ready?.status === 200) {
      break;
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  return {
    child,
    base,
    port: Number(new URL(base).port),
    logs: () => stderr,
    stop: () => stopProcess(child),
  };
}

/**
 * A new temp data folder (`prefix…`) made by `keyward-server init` (its first code is not used:
 * {@link issueEnrolmentCodeByCli} gives more), and the server started on it. The caller stops the
 * server (or the one it restarted on the folder) and removes `dataDir`: {@link stopAndRemoveData}.
 */
export async function startServerOnNewData(
  prefix: string,
  options: ServerProcessOptions = {},
): Promise<{ dataDir: string; server: ServerProcess }> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  await issueEnrolmentCodeByCli(dataDir, false);
  return { dataDir, server: await startServerProcess(dataDir, options) };
}

/** Stops `server` (when one was started) and removes `dataDir` (when one was made). */
export async function stopAndRemoveData(
  server: ServerProcess | undefined,
  dataDir: string | undefined,
): Promise<void> {
  await server?.stop();
  if (dataDir !== undefined) {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
