/**
 * The `keyward-server` command on the real process (`bin/keyward-server.cjs` starts this file):
 * runs the CLI, and for `start` keeps serving until SIGINT/SIGTERM, then closes cleanly (the
 * request log is flushed).
 */
import { setFlagsFromString } from 'node:v8';
import type { KeywardServer } from './keyward-server.ts';
import { runServerCli } from './cli/program.ts';
import type { Storage } from './storage/storage.ts';

// V8's young generation grows to 32 MB while the index loads (most of what is allocated then
// survives) and keeps that size; a server whose steady state allocates little per request does not
// need it (docs/targets.md: RSS with 100k keys ≤ 150 MB). Fixed at its starting size (1 MB a
// semi-space), scavenges run more often but stay cheap.
setFlagsFromString('--semi-space-growth-factor=1');

// `keyward-server devices list | head`: a closed pipe ends the command quietly, not with a stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    }
  });
}

/** Runs the command; for `start`, stays up until a signal. No top-level await: the bundle is CommonJS. */
async function main(): Promise<void> {
  const started: { running: { server: KeywardServer; storage: Storage } | null } = { running: null };

  process.exitCode = await runServerCli({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    now: Date.now,
    onStarted: (server, storage) => {
      started.running = { server, storage };
    },
  });

  if (started.running !== null) {
    const { server, storage } = started.running;
    let closing = false;
    const stop = (): void => {
      if (closing) {
        return;
      }
      closing = true;
      void server
        .close()
        .then(() => storage.close())
        .finally(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }
}

void main();
