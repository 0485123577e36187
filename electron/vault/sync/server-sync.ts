import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { hostname } from 'node:os';
import { KeywardError } from '../../../shared/errors.ts';
import { redactKeyMaterial } from '../../../shared/keys/redact.ts';
import type { Logger } from '../../../shared/log/logger.ts';
import { deviceChallengeMessage } from '../../../shared/sync/device-challenge.ts';
import { serverTestResultSchema } from '../../../shared/sync/server-test.ts';
import type { ServerTestResult } from '../../../shared/sync/server-test.ts';
import type { SyncStatus } from '../../../shared/sync/sync-status.ts';
import { integrationUsageSchema } from '../../../shared/sync/usage.ts';
import type { IntegrationUsage } from '../../../shared/sync/usage.ts';
import type { Clock } from '../clock.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import { certificateFingerprint, parseServerUrl, ServerHttp, SNAPSHOT_TIMEOUT_MS } from './server-http.ts';
import type { ServerResponse } from './server-http.ts';
import { leaseHolderName, SyncStore } from './sync-store.ts';
import type { ConnectionRow } from './sync-store.ts';

/** The most outbox rows one batch carries. */
export const OUTBOX_BATCH_MAX = 5_000;
/** How long the desktop waits after a change before publishing it (changes close together go as one). */
export const PUBLISH_DEBOUNCE_MS = 250;
/** How often the desktop looks for changes made elsewhere (the CLI on the same vault, the scheduler). */
export const PUBLISH_POLL_MS = 15_000;
/** Retry backoff while offline: 1 s, doubling up to a minute. */
export const RETRY_MIN_MS = 1_000;
export const RETRY_MAX_MS = 60_000;
/** How long `publishNow` waits for another process's publisher before saying "waiting". */
export const LEASE_WAIT_MS = 5_000;
/** The lease outlives one request by this much. */
const LEASE_MARGIN_MS = 30_000;

/** What {@link ServerSync} needs. */
export interface ServerSyncDependencies {
  db: SqliteDatabase;
  clock: Clock;
  logger: Logger;
  /** Publish in the background after each change, with retries (the desktop); else only on publishNow. */
  background: boolean;
  /** Told of every status change. */
  onStatus: (status: SyncStatus) => void;
}

/** Input to {@link ServerSync.connect}. */
export interface ConnectInput {
  url: string;
  code: string;
  deviceName?: string;
  pinnedCertPem?: string;
}

const NOT_CONNECTED: SyncStatus = { state: 'not-connected', waiting: 0, reason: null, server: null };

/** The default device name: this machine's host name, printable and bounded. */
function defaultDeviceName(): string {
  const name = [...hostname()].filter((char) => char.charCodeAt(0) >= 0x20 && char.charCodeAt(0) !== 0x7f);
  return name.join('').trim().slice(0, 100) || 'Keyward device';
}

/** The server's own words for a refusal, bounded and with anything key-shaped removed. */
function serverWords(response: ServerResponse): string {
  const error = (response.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' ? error.code.slice(0, 60) : `HTTP ${response.status}`;
  const message = typeof error?.message === 'string' ? redactKeyMaterial(error.message).slice(0, 200) : '';
  return message === '' ? code : `${code}: ${message}`;
}

/**
 * The vault's connection to a Keyward server: enrolment with a device key, sign-in by challenge,
 * the publisher that drains the outbox in order (written by triggers that exist while connected,
 * `outbox-triggers.ts`), usage and "test via server". One per unlocked vault; every process on the
 * vault has its own, and a lease in the database lets one publish at a time. See
 * electron/vault/README.md, "Keyward server".
 */
export class ServerSync {
  private readonly deps: ServerSyncDependencies;
  private readonly store: SyncStore;
  private readonly holder = leaseHolderName(randomUUID());
  private token: string | null = null;
  private draining: Promise<SyncStatus> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerDueAt = 0;
  private poller: NodeJS.Timeout | null = null;
  private retryMs = RETRY_MIN_MS;
  private stopped = false;
  private lastEmitted = '';

  constructor(deps: ServerSyncDependencies) {
    this.deps = deps;
    this.store = new SyncStore(deps.db);
    if (deps.background) {
      this.poller = setInterval(() => this.schedule(0), PUBLISH_POLL_MS);
      this.poller.unref();
      if (this.store.connection() !== null) {
        this.schedule(0);
      }
    }
  }

  /** Where the vault stands with its server (reads the database: cheap). */
  status(): SyncStatus {
    const connection = this.store.connection();
    if (connection === null) {
      return NOT_CONNECTED;
    }
    const waiting = this.store.waiting();
    const server = SyncStore.publicView(connection);
    if (connection.lastError !== null) {
      const failure = JSON.parse(connection.lastError) as { state: 'offline' | 'error'; reason: string };
      return { state: failure.state, waiting, reason: failure.reason, server };
    }
    return {
      state: waiting > 0 || connection.snapshotNeeded ? 'waiting' : 'up-to-date',
      waiting,
      reason: null,
      server,
    };
  }

  /** True while a server is connected. */
  connected(): boolean {
    return this.store.connection() !== null;
  }

  /**
   * Enrols this vault's device key with `code` and remembers the server, then publishes a full
   * snapshot (its outcome is in the status, not thrown). See KeywardEngine.connectServer.
   */
  async connect(
    input: ConnectInput,
    record: (details: Record<string, string | null>) => void,
  ): Promise<SyncStatus> {
    if (this.store.connection() !== null) {
      throw new KeywardError(
        'INVALID_STATE',
        'This vault is already connected to a Keyward server; disconnect first to connect to another.',
      );
    }
    const { base } = parseServerUrl(input.url);
    const pem = input.pinnedCertPem?.trim() ? input.pinnedCertPem.trim() : null;
    const pinnedSha256 = pem === null ? null : certificateFingerprint(pem);
    const code = input.code.trim();
    if (code === '' || code.length > 100) {
      throw new KeywardError(
        'INVALID_INPUT',
        'The enrolment code is required (as `keyward-server init` printed it).',
      );
    }
    const name = (input.deviceName ?? defaultDeviceName()).trim();
    if (name === '' || name.length > 100 || [...name].some((char) => char.charCodeAt(0) < 0x20)) {
      throw new KeywardError('INVALID_INPUT', 'The device name must be 1–100 printable characters.');
    }
    const device = this.deviceKey();
    const http = new ServerHttp(base, pem);
    const response = await http.send({
      method: 'POST',
      path: '/v1/devices/enrol',
      body: JSON.stringify({ code, name, publicKey: device.publicKey }),
    });
    if (response.status !== 201) {
      throw response.status === 401
        ? new KeywardError(
            'SERVER_REJECTED',
            'The server refused the enrolment code: it is unknown, already used or expired. Make a new one with `keyward-server init` (or ask the server admin).',
          )
        : this.refusal(response, 'enrol this device');
    }
    const deviceId = (response.body as { deviceId?: unknown } | null)?.deviceId;
    if (typeof deviceId !== 'string' || deviceId === '') {
      throw new KeywardError(
        'SERVER_REJECTED',
        'The server answered the enrolment without a device id; is it a Keyward server?',
      );
    }
    const now = this.deps.clock.now();
    this.deps.db
      .transaction(() => {
        this.store.insertConnection({
          url: base,
          deviceId,
          deviceName: name,
          connectedAt: now,
          pinnedCertPem: pem,
          pinnedCertSha256: pinnedSha256,
        });
        record({ url: base, deviceId, deviceName: name, pinnedCertSha256: pinnedSha256 });
      })
      .immediate();
    this.token = null;
    this.stopped = false;
    this.emit();
    return this.publishNow();
  }

  /**
   * Forgets the connection, the device key and the outbox, after telling the server to revoke this
   * device (best effort: offline, it is forgotten all the same). Resolves to whether the server
   * revoked it.
   */
  async disconnect(record: (details: Record<string, string | boolean | null>) => void): Promise<void> {
    const connection = this.store.connection();
    if (connection === null) {
      throw new KeywardError('NOT_CONNECTED', 'This vault is not connected to a Keyward server.');
    }
    this.clearTimer();
    let revoked = false;
    try {
      const response = await this.authorised(connection, {
        method: 'POST',
        path: `/v1/devices/${encodeURIComponent(connection.deviceId)}/revoke`,
        body: '{}',
        timeoutMs: 5_000,
      });
      revoked = response.status === 200;
    } catch (error) {
      this.deps.logger.warn('the server could not be told to revoke this device', {
        code: error instanceof KeywardError ? error.code : 'internal',
      });
    }
    this.deps.db
      .transaction(() => {
        this.store.forgetAll();
        record({ url: connection.url, deviceId: connection.deviceId, revokedOnServer: revoked });
      })
      .immediate();
    this.token = null;
    this.emit();
  }

  /** The integration's usage from the server's request log (`GET /v1/usage/summary`). */
  async usage(integrationId: string): Promise<IntegrationUsage> {
    const connection = this.requireConnection();
    const response = await this.authorised(connection, {
      method: 'GET',
      path: `/v1/usage/summary?integrationId=${encodeURIComponent(integrationId)}`,
    });
    if (response.status === 404) {
      throw new KeywardError(
        'SERVER_REJECTED',
        'This Keyward server does not offer usage summaries; update it.',
      );
    }
    if (response.status !== 200) {
      throw this.refusal(response, 'give the usage');
    }
    const parsed = integrationUsageSchema.safeParse(response.body);
    if (!parsed.success) {
      throw new KeywardError(
        'SERVER_REJECTED',
        'The server answered the usage request with something unexpected.',
      );
    }
    return parsed.data;
  }

  /** Asks the server to verify `credential` as `/v1/verify` would (`POST /v1/test`). Never logs it. */
  async test(credential: string, clientIp: string | undefined): Promise<ServerTestResult> {
    const connection = this.requireConnection();
    const response = await this.authorised(connection, {
      method: 'POST',
      path: '/v1/test',
      body: JSON.stringify(clientIp === undefined ? { credential } : { credential, clientIp }),
    });
    if (response.status === 404) {
      throw new KeywardError('SERVER_REJECTED', 'This Keyward server cannot test keys; update it.');
    }
    if (response.status !== 200) {
      throw this.refusal(response, 'test the key');
    }
    const parsed = serverTestResultSchema.safeParse(response.body);
    if (!parsed.success) {
      throw new KeywardError('SERVER_REJECTED', 'The server answered the test with something unexpected.');
    }
    return parsed.data;
  }

  /**
   * Publishes what waits: a full snapshot when one is due, then the outbox in order. Never throws
   * for the server being away or refusing: the status says so. Calls of one engine share one run.
   */
  publishNow(): Promise<SyncStatus> {
    if (this.store.connection() === null) {
      return Promise.resolve(NOT_CONNECTED);
    }
    this.draining ??= this.drain(!this.deps.background).finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** A change was committed: the desktop publishes it shortly; status listeners hear of it. */
  changed(): void {
    if (this.stopped) {
      return;
    }
    this.emit();
    if (this.deps.background) {
      this.schedule(PUBLISH_DEBOUNCE_MS);
    }
  }

  /** Stops timers (the vault locks); in-flight work ends at its next database access. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    if (this.poller !== null) {
      clearInterval(this.poller);
      this.poller = null;
    }
    this.token = null;
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private requireConnection(): ConnectionRow {
    const connection = this.store.connection();
    if (connection === null) {
      throw new KeywardError(
        'NOT_CONNECTED',
        'This vault is not connected to a Keyward server (Settings → Server, or `keyward server connect URL --code CODE`).',
      );
    }
    return connection;
  }

  /** The vault's device key, made on first use (Ed25519; the private half stays in the vault). */
  private deviceKey(): { publicKey: string } {
    const existing = this.store.deviceKey();
    if (existing !== null) {
      return existing;
    }
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const row = {
      privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      publicKey: String(publicKey.export({ format: 'jwk' }).x),
      createdAt: this.deps.clock.now(),
    };
    this.store.saveDeviceKey(row);
    return this.store.deviceKey() ?? row;
  }

  /** A session token: challenge, signed with the device key, exchanged at /v1/auth/token. */
  private async signIn(connection: ConnectionRow, http: ServerHttp): Promise<string> {
    const device = this.store.deviceKey();
    if (device === null) {
      throw new KeywardError(
        'INVALID_STATE',
        'The device key is missing from the vault; disconnect and connect again.',
      );
    }
    const challenge = await http.send({
      method: 'POST',
      path: '/v1/auth/challenge',
      body: JSON.stringify({ deviceId: connection.deviceId }),
    });
    if (challenge.status !== 200) {
      throw challenge.status === 401 ? this.deviceRefused() : this.refusal(challenge, 'sign this device in');
    }
    const { challengeId, challenge: text } = challenge.body as { challengeId: string; challenge: string };
    const signature = sign(
      null,
      Buffer.from(deviceChallengeMessage(challengeId, text), 'utf8'),
      createPrivateKey(device.privateKeyPem),
    ).toString('base64url');
    const token = await http.send({
      method: 'POST',
      path: '/v1/auth/token',
      body: JSON.stringify({ deviceId: connection.deviceId, challengeId, signature }),
    });
    if (token.status !== 200) {
      throw token.status === 401 ? this.deviceRefused() : this.refusal(token, 'sign this device in');
    }
    const value = (token.body as { token?: unknown } | null)?.token;
    if (typeof value !== 'string') {
      throw new KeywardError('SERVER_REJECTED', 'The server answered the sign-in without a token.');
    }
    return value;
  }

  /** A request with the device's token (signing in first, and again once on a 401). */
  private async authorised(
    connection: ConnectionRow,
    request: Parameters<ServerHttp['send']>[0],
  ): Promise<ServerResponse> {
    const http = new ServerHttp(connection.url, connection.pinnedCertPem);
    for (let attempt = 0; ; attempt += 1) {
      const fresh = this.token === null;
      this.token ??= await this.signIn(connection, http);
      const response = await http.send({ ...request, token: this.token });
      if (response.status === 401 && !fresh && attempt === 0) {
        this.token = null;
        continue;
      }
      if (response.status === 401) {
        this.token = null;
        throw this.deviceRefused();
      }
      if (response.status === 502 || response.status === 503 || response.status === 504) {
        const retryAfter = Number(response.headers['retry-after']);
        throw new KeywardError(
          'SERVER_UNREACHABLE',
          `The Keyward server at ${new URL(connection.url).host} is unavailable for now (${serverWords(response)}).`,
          Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : undefined,
        );
      }
      return response;
    }
  }

  private deviceRefused(): KeywardError {
    return new KeywardError(
      'SERVER_REJECTED',
      'The server no longer accepts this device (it was revoked or the server was reset). Disconnect, then connect again with a new enrolment code.',
    );
  }

  private refusal(response: ServerResponse, what: string): KeywardError {
    return new KeywardError('SERVER_REJECTED', `The server refused to ${what}: ${serverWords(response)}.`);
  }

  private async drain(waitForLease: boolean): Promise<SyncStatus> {
    const started = Date.now();
    while (!this.store.acquireLease(this.holder, Date.now(), SNAPSHOT_TIMEOUT_MS + LEASE_MARGIN_MS)) {
      // Another process (or engine) on this vault is publishing: it sends these changes too.
      if (!waitForLease || Date.now() - started > LEASE_WAIT_MS || this.stopped) {
        if (this.deps.background) {
          this.schedule(RETRY_MIN_MS);
        }
        return this.status();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      const connection = this.store.connection();
      if (connection === null || (!connection.snapshotNeeded && this.store.waiting() === 0)) {
        return this.status();
      }
    }
    try {
      for (;;) {
        const connection = this.store.connection();
        if (connection === null || this.stopped) {
          break;
        }
        if (!this.store.acquireLease(this.holder, Date.now(), SNAPSHOT_TIMEOUT_MS + LEASE_MARGIN_MS)) {
          // Our lease ran out and another publisher took over: it carries on from here.
          break;
        }
        if (connection.snapshotNeeded) {
          await this.sendSnapshot(connection);
          this.emit();
          continue;
        }
        const batch = this.store.nextBatch(randomUUID(), OUTBOX_BATCH_MAX);
        if (batch === null) {
          break;
        }
        const base = connection.revision === null ? '' : `,"baseRevision":${connection.revision}`;
        const response = await this.authorised(connection, {
          method: 'POST',
          path: '/v1/publish',
          body: [`{"batchId":"${batch.batchId}","snapshot":false${base},"ops":[`, batch.ops.join(','), ']}'],
        });
        if (response.status === 409) {
          // The server's state is not the one these changes follow: replace it with a snapshot.
          this.store.setSnapshotNeeded();
          continue;
        }
        if (response.status !== 200) {
          throw this.refusal(response, 'take the published changes');
        }
        this.store.batchAccepted(batch.batchId, this.revisionOf(response), this.deps.clock.now());
        this.emit();
      }
      this.retryMs = RETRY_MIN_MS;
    } catch (error) {
      this.failed(error);
    } finally {
      try {
        this.store.releaseLease(this.holder);
      } catch (error) {
        // The vault locked meanwhile: the lease runs out on its own.
        this.deps.logger.debug('the publisher lease was not released', { error });
      }
    }
    const status = this.safeStatus();
    this.emit();
    return status;
  }

  private async sendSnapshot(connection: ConnectionRow): Promise<void> {
    const snapshot = this.store.snapshot(this.deps.clock.now());
    // A snapshot replaces the server's state, so resending one is harmless: each attempt has a new id.
    const chunks: string[] = [`{"batchId":"${randomUUID()}","snapshot":true,"ops":[`];
    for (let index = 0; index < snapshot.ops.length; index += 1000) {
      chunks.push((index === 0 ? '' : ',') + snapshot.ops.slice(index, index + 1000).join(','));
    }
    chunks.push(']}');
    const response = await this.authorised(connection, {
      method: 'POST',
      path: '/v1/publish',
      body: chunks,
      timeoutMs: SNAPSHOT_TIMEOUT_MS,
    });
    if (response.status !== 200) {
      throw this.refusal(response, 'take the snapshot');
    }
    this.store.snapshotAccepted(snapshot.mark, this.revisionOf(response), this.deps.clock.now());
  }

  private revisionOf(response: ServerResponse): number {
    const revision = (response.body as { revision?: unknown } | null)?.revision;
    if (typeof revision !== 'number' || !Number.isInteger(revision)) {
      throw new KeywardError('SERVER_REJECTED', 'The server accepted the changes without a revision.');
    }
    return revision;
  }

  /** Records why publishing stopped (offline: retried with backoff in the background). */
  private failed(error: unknown): void {
    if (this.stopped) {
      return;
    }
    const offline = error instanceof KeywardError && error.code === 'SERVER_UNREACHABLE';
    const reason =
      error instanceof KeywardError
        ? error.message.slice(0, 500)
        : 'Publishing failed unexpectedly; it will be tried again.';
    if (!(error instanceof KeywardError)) {
      this.deps.logger.warn('publishing failed', { error });
    }
    try {
      this.store.setError(JSON.stringify({ state: offline ? 'offline' : 'error', reason }));
    } catch (storeError) {
      this.deps.logger.debug('the publish failure was not recorded', { error: storeError });
    }
    if (this.deps.background && (offline || !(error instanceof KeywardError))) {
      const retryAfter = error instanceof KeywardError ? (error.retryAfterMs ?? 0) : 0;
      this.schedule(Math.max(this.retryMs, retryAfter));
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) {
      return;
    }
    // A timer already set stays unless this one is due sooner: steady changes every few
    // milliseconds must not push the publish back for ever.
    const dueAt = Date.now() + delayMs;
    if (this.timer !== null) {
      if (this.timerDueAt <= dueAt) {
        return;
      }
      clearTimeout(this.timer);
    }
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped) {
        return;
      }
      let due: boolean;
      try {
        const connection = this.store.connection();
        due = connection !== null && (connection.snapshotNeeded || this.store.waiting() > 0);
      } catch {
        // Locked meanwhile.
        due = false;
      }
      if (due) {
        void this.publishNow();
      }
    }, delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private safeStatus(): SyncStatus {
    try {
      return this.status();
    } catch {
      // The vault locked meanwhile.
      return NOT_CONNECTED;
    }
  }

  /** Tells the listener when the status differs from the last one it heard. */
  private emit(): void {
    if (this.stopped) {
      return;
    }
    const status = this.safeStatus();
    const text = JSON.stringify(status);
    if (text !== this.lastEmitted) {
      this.lastEmitted = text;
      this.deps.onStatus(status);
    }
  }
}
