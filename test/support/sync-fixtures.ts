import { issueEnrolmentCode } from '../../server/devices/device-auth.ts';
import { KeywardServer } from '../../server/keyward-server.ts';
import { openStorage } from '../../server/storage/open-storage.ts';
import type { Storage } from '../../server/storage/storage.ts';
import type { KeywardEngine } from '../../electron/vault/keyward-engine.ts';
import type { SyncStatus } from '../../shared/sync/sync-status.ts';
import { putIntegrationSql, putKeySql } from '../../electron/vault/sync/published-sql.ts';
import { engineInternals } from './engine-internals.ts';
import { freshStorage, type StorageKind } from './server-fixtures.ts';

/** A one-time enrolment code on `storage` (what `keyward-server init` prints). */
export async function enrolmentCode(storage: Storage): Promise<string> {
  return (await issueEnrolmentCode(storage, { role: 'owner', now: Date.now() })).enrolmentCode;
}

/** An in-process Keyward server on fresh storage; `restart` brings it back on the same port and data. */
export interface TestServer {
  base: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  storage: () => Storage;
  code: () => Promise<string>;
  /** Stops the server (storage closed): the desktop sees it as offline. */
  stop: () => Promise<void>;
  /** Starts it again on the same port over the same data. */
  restart: () => Promise<void>;
  cleanup: () => Promise<void>;
}

/** What else {@link startTestServer} may be told (the options of `keyward-server start`). */
export interface TestServerOptions {
  /** `--trusted-proxy`: peers whose `X-Forwarded-For` counts (a gateway on loopback). */
  trustedProxies?: readonly string[];
  /** `--tls-cert` / `--tls-key`: serve HTTPS with this certificate and key (PEM). */
  https?: { cert: Buffer; key: Buffer };
}

/** Starts an in-process server on fresh `kind` storage. */
export async function startTestServer(
  kind: StorageKind = 'sqlite',
  options: TestServerOptions = {},
): Promise<TestServer> {
  const fresh = await freshStorage(kind);
  let storage = fresh.storage;
  const extra = {
    ...(options.trustedProxies === undefined ? {} : { trustedProxies: options.trustedProxies }),
    ...(options.https === undefined ? {} : { https: options.https }),
  };
  let server: KeywardServer | null = new KeywardServer({
    storage,
    port: 0,
    pollIntervalMs: 60_000,
    requestLogFlushMs: 100,
    ...extra,
  });
  const base = await server.start();
  await server.ready();
  const port = Number(new URL(base).port);
  const stop = async () => {
    if (server !== null) {
      await server.close();
      await storage.close().catch(() => undefined);
      server = null;
    }
  };
  return {
    base,
    port,
    dataDir: fresh.dataDir,
    databaseUrl: fresh.databaseUrl,
    storage: () => storage,
    code: () => enrolmentCode(storage),
    stop,
    restart: async () => {
      await stop();
      storage = await openStorage({ dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl });
      server = new KeywardServer({ storage, port, pollIntervalMs: 60_000, requestLogFlushMs: 100, ...extra });
      await server.start();
      await server.ready();
    },
    cleanup: async () => {
      await stop();
      await fresh.cleanup();
    },
  };
}

/** Verifies a credential at `/v1/verify`: the status and the refusal code. */
export async function verifyAt(
  base: string,
  credential: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; code: string | null }> {
  const response = await fetch(`${base}/v1/verify`, { headers: { 'x-api-key': credential, ...headers } });
  await response.arrayBuffer();
  return { status: response.status, code: response.headers.get('x-keyward-code') };
}

/** The operations waiting in an engine's outbox, parsed, in order. */
export function outboxOps(engine: KeywardEngine): { op: string; [field: string]: unknown }[] {
  const { db } = engineInternals(engine);
  return (db.prepare('SELECT op FROM sync_outbox ORDER BY seq').pluck().all() as string[]).map(
    (text) => JSON.parse(text) as { op: string },
  );
}

/** The outbox triggers an engine's vault has now, sorted by name (all of them while connected, else none). */
export function outboxTriggers(engine: KeywardEngine): string[] {
  const { db } = engineInternals(engine);
  return db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'sync\\_%' ESCAPE '\\' ORDER BY name",
    )
    .pluck()
    .all() as string[];
}

/** Waits until `check` holds (polling), or throws with `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The status states an engine's listener heard, in order. */
export function recordStatuses(engine: KeywardEngine): SyncStatus[] {
  const heard: SyncStatus[] = [];
  engine.onSyncStatus((status) => heard.push(status));
  return heard;
}

/** The published integrations and keys a server holds, sorted (to compare with {@link vaultFacts}). */
export async function serverFacts(storage: Storage): Promise<string> {
  const state = await storage.changesSince(0);
  const integrations = [...state.integrations].sort((a, b) => a.integrationId.localeCompare(b.integrationId));
  const keys = [...state.keys].sort((a, b) => a.keyId.localeCompare(b.keyId));
  return canonical({ integrations, keys });
}

/** What the vault would publish now (integrations and keys), sorted like {@link serverFacts}. */
export function vaultFacts(engine: KeywardEngine): string {
  const { db } = engineInternals(engine);
  const pick = <T>(sql: string) =>
    (db.prepare(sql).pluck().all() as string[]).map((text) => JSON.parse(text) as T);
  const integrations = pick<{ integration: { integrationId: string } }>(
    `SELECT ${putIntegrationSql('i')} FROM integrations i`,
  )
    .map((op) => op.integration)
    .sort((a, b) => a.integrationId.localeCompare(b.integrationId));
  const keys = pick<{ key: { keyId: string } }>(`SELECT ${putKeySql('k')} FROM api_keys k`)
    .map((op) => op.key)
    .sort((a, b) => a.keyId.localeCompare(b.keyId));
  return canonical({ integrations, keys });
}

/** JSON with object keys sorted at every level (so two sources compare by content). */
function canonical(value: unknown): string {
  const sort = (item: unknown): unknown =>
    Array.isArray(item)
      ? item.map(sort)
      : item !== null && typeof item === 'object'
        ? Object.fromEntries(
            Object.entries(item as Record<string, unknown>)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([key, inner]) => [key, sort(inner)]),
          )
        : item;
  return JSON.stringify(sort(value));
}

/**
 * Which of `materials` (API keys, all with the `kw_` prefix) occur anywhere in `files`' bytes: one
 * pass per file over each `kw_`, looked up in a set (a byte search per key would not scale to
 * tens of thousands of keys).
 */
export function leakedKeys(files: readonly Buffer[], materials: readonly string[]): string[] {
  const wanted = new Set(materials);
  const lengths = [...new Set(materials.map((material) => material.length))];
  const found = new Set<string>();
  const marker = Buffer.from('kw_');
  for (const bytes of files) {
    for (let at = bytes.indexOf(marker); at !== -1; at = bytes.indexOf(marker, at + 1)) {
      for (const length of lengths) {
        const candidate = bytes.toString('latin1', at, at + length);
        if (wanted.has(candidate)) {
          found.add(candidate);
        }
      }
    }
  }
  return [...found];
}
