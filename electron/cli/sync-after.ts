import type { SyncStatus } from '../../shared/sync/sync-status.ts';
import type { KeywardEngine } from '../vault/keyward-engine.ts';
import type { CommandContext } from './cli-context.ts';
import type { TextSink } from './output.ts';
import type { CliTime } from './present.ts';
import { printableLine } from './present.ts';
import { timeFor } from './vault-access.ts';

/**
 * Publishing after a command: when the vault is connected to a Keyward server and a command left
 * changes in the outbox (it changed published facts — a new key, a revoke, an ACL edit — or the
 * unlock's catch-up rotated a key, or earlier changes were still waiting), the CLI pushes them
 * before it exits, waiting at most {@link DEFAULT_PUBLISH_WAIT_MS}. What could not go out stays in
 * the vault's outbox (written with the change itself) and goes with the next command or `keyward
 * server publish`; stderr says so.
 */

/** How long a command waits for its changes to be published before it exits anyway. */
export const DEFAULT_PUBLISH_WAIT_MS = 5_000;

/** The environment variable that changes {@link DEFAULT_PUBLISH_WAIT_MS} (milliseconds, 0–60000). */
export const PUBLISH_WAIT_ENV = 'KEYWARD_PUBLISH_WAIT_MS';

/**
 * The commands that change published facts (by path; a group name covers its subcommands): their
 * `--json` output always carries `"sync"` when the vault is connected. Any other command that finds
 * changes waiting publishes them too (and then also carries `"sync"`).
 */
const PUBLISHING_COMMANDS = [
  'integrations add',
  'integrations edit',
  'integrations enable',
  'integrations disable',
  'integrations delete',
  'keys rotate',
  'keys revoke',
  'keys regenerate',
  'keys delete',
  'keys end-grace',
  'keys never-expire',
  'secret',
];

/** Whether the command at `path` (`keys revoke`) changes published facts. */
export function publishesFacts(path: string): boolean {
  return PUBLISHING_COMMANDS.some((entry) => path === entry || path.startsWith(`${entry} `));
}

/** The wait from the environment ({@link PUBLISH_WAIT_ENV}), else the default. */
export function publishWaitMs(env: NodeJS.ProcessEnv): number {
  const raw = env[PUBLISH_WAIT_ENV];
  if (raw === undefined || !/^\d{1,5}$/.test(raw.trim())) {
    return DEFAULT_PUBLISH_WAIT_MS;
  }
  return Math.min(Number(raw), 60_000);
}

/** A sync status in `--json` output: times as ISO 8601 (`--utc` honoured). */
export function syncJson(status: SyncStatus, time: CliTime): Record<string, unknown> {
  const server = status.server;
  return {
    state: status.state,
    waiting: status.waiting,
    reason: status.reason,
    server:
      server === null
        ? null
        : {
            url: server.url,
            deviceId: server.deviceId,
            deviceName: server.deviceName,
            connectedAt: time.at(server.connectedAt),
            pinnedCertSha256: server.pinnedCertSha256,
            revision: server.revision,
            lastPublishAt: time.maybe(server.lastPublishAt),
          },
  };
}

function changes(n: number): string {
  return n === 1 ? '1 change' : `${n} changes`;
}

/** The sync state in words: `up to date`, `3 changes waiting`, `offline (…): 3 changes waiting`, … */
export function describeSync(status: SyncStatus): string {
  const reason = status.reason === null ? '' : ` (${printableLine(status.reason).replace(/\.$/, '')})`;
  switch (status.state) {
    case 'not-connected':
      return 'not connected';
    case 'up-to-date':
      return 'up to date';
    case 'waiting':
      return `${changes(status.waiting)} waiting`;
    case 'offline':
      return `offline${reason}: ${changes(status.waiting)} waiting`;
    case 'error':
      return `error${reason}${status.waiting > 0 ? `: ${changes(status.waiting)} waiting` : ''}`;
  }
}

/** The engine's sync status, or null when the vault is not open (the command never unlocked it). */
function currentStatus(engine: KeywardEngine): SyncStatus | null {
  try {
    engine.requireUnlocked();
  } catch {
    return null;
  }
  return engine.serverStatus();
}

/** `engine.publishNow()`, or the status as it is when `waitMs` passes first. */
async function publishWithin(engine: KeywardEngine, waitMs: number): Promise<SyncStatus> {
  let timer: NodeJS.Timeout | undefined;
  // Never rejects: a publish still running when the wait ends may fail once the vault is locked.
  const publishing = engine.publishNow().then(
    (status) => status,
    () => null,
  );
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), waitMs);
  });
  try {
    return (await Promise.race([publishing, timeout])) ?? engine.serverStatus();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * After a command's body: publishes what waits in the outbox (at most `waitMs`), warns on `stderr`
 * when changes are left waiting, and returns the status to put in `--json` output as `"sync"` —
 * null when the vault is not connected (or not open), or when the command neither changes published
 * facts nor found anything waiting.
 */
export async function publishAfterCommand(options: {
  engine: KeywardEngine;
  path: string;
  stderr: TextSink;
  waitMs: number;
}): Promise<SyncStatus | null> {
  const { engine, path, stderr, waitMs } = options;
  let status = currentStatus(engine);
  if (status === null || status.state === 'not-connected') {
    return null;
  }
  const tried = status.waiting > 0;
  if (tried) {
    status = await publishWithin(engine, waitMs);
  }
  if (status.waiting > 0) {
    const server = status.server === null ? 'the server' : printableLine(status.server.url);
    stderr.write(
      `keyward: warning: not yet published to ${server}: ${describeSync(status)}. They go out with the next command, or run \`keyward server publish\`.\n`,
    );
  } else if (status.state === 'error') {
    stderr.write(
      `keyward: warning: the Keyward server: ${describeSync(status)}; see \`keyward server status\`.\n`,
    );
  }
  return tried || publishesFacts(path) ? status : null;
}

/**
 * What program.ts runs after every command's body (except `server …`): {@link publishAfterCommand}
 * with the wait from the environment; returns the `"sync"` member for `--json` output, or null.
 */
export async function syncAfterCommand(
  context: CommandContext,
  path: string,
  env: NodeJS.ProcessEnv,
): Promise<Record<string, unknown> | null> {
  const status = await publishAfterCommand({
    engine: context.engine,
    path,
    stderr: context.stderr,
    waitMs: publishWaitMs(env),
  });
  return status === null ? null : syncJson(status, timeFor(context, context.engine));
}
