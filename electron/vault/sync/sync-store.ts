import { hostname } from 'node:os';
import type { ServerConnection } from '../../../shared/sync/sync-status.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import { createOutboxTriggers, dropOutboxTriggers } from './outbox-triggers.ts';
import { putIntegrationSql, putKeySql, putSigningKeySql } from './published-sql.ts';

/** The `server_connection` row, as the sync service reads it. */
export interface ConnectionRow {
  url: string;
  deviceId: string;
  deviceName: string;
  connectedAt: number;
  pinnedCertPem: string | null;
  pinnedCertSha256: string | null;
  revision: number | null;
  lastPublishAt: number | null;
  /** JSON `{state: 'offline' | 'error', reason}` of the last failure, or null after a success. */
  lastError: string | null;
  snapshotNeeded: boolean;
}

/** The device key kept in the vault (the private half never leaves this database but to sign). */
export interface DeviceKeyRow {
  privateKeyPem: string;
  publicKey: string;
  createdAt: number;
}

/** A batch of outbox rows, ready to send: its id and the operations as JSON text, in order. */
export interface OutboxBatch {
  batchId: string;
  ops: string[];
}

/** A full snapshot: every published fact now, and the last outbox row it already covers. */
export interface Snapshot {
  ops: string[];
  mark: number;
}

/**
 * The tables that belong to this device's place on a server, not to the vault: the connection
 * (with the publisher lease), the device key and the outbox. Disconnecting empties them (and drops
 * the outbox triggers), and a vault export leaves them out (another machine enrols with its own code).
 */
export const DEVICE_SYNC_TABLES = ['server_connection', 'sync_outbox', 'sync_device'] as const;

/** The SQL of the connection, the device key, the outbox and the publisher lease. */
export class SyncStore {
  private readonly db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.db = db;
  }

  connection(): ConnectionRow | null {
    const row = this.db
      .prepare(
        `SELECT url, device_id AS deviceId, device_name AS deviceName, connected_at AS connectedAt,
           pinned_cert_pem AS pinnedCertPem, pinned_cert_sha256 AS pinnedCertSha256, revision,
           last_publish_at AS lastPublishAt, last_error AS lastError, snapshot_needed AS snapshotNeeded
         FROM server_connection WHERE id = 1`,
      )
      .get() as (Omit<ConnectionRow, 'snapshotNeeded'> & { snapshotNeeded: number }) | undefined;
    return row === undefined ? null : { ...row, snapshotNeeded: row.snapshotNeeded === 1 };
  }

  /** The public view of the connection (never the device key, nor the pinned PEM). */
  static publicView(row: ConnectionRow): ServerConnection {
    return {
      url: row.url,
      deviceId: row.deviceId,
      deviceName: row.deviceName,
      connectedAt: row.connectedAt,
      pinnedCertSha256: row.pinnedCertSha256,
      revision: row.revision,
      lastPublishAt: row.lastPublishAt,
    };
  }

  /**
   * Remembers the connected server and creates the outbox triggers, so from this transaction's
   * commit every change to a published fact, by any process on the vault, is queued for it (one
   * transaction, the caller's). A full snapshot is due: it covers what changed before.
   */
  insertConnection(
    row: Omit<ConnectionRow, 'revision' | 'lastPublishAt' | 'lastError' | 'snapshotNeeded'>,
  ): void {
    this.db
      .prepare(
        `INSERT INTO server_connection (id, url, device_id, device_name, connected_at, pinned_cert_pem,
           pinned_cert_sha256, snapshot_needed)
         VALUES (1, @url, @deviceId, @deviceName, @connectedAt, @pinnedCertPem, @pinnedCertSha256, 1)`,
      )
      .run(row);
    createOutboxTriggers(this.db);
  }

  /**
   * Forgets the connection, the outbox and the device key, and drops the outbox triggers: nothing is
   * queued any more (one transaction, the caller's).
   */
  forgetAll(): void {
    dropOutboxTriggers(this.db);
    this.db.exec(DEVICE_SYNC_TABLES.map((table) => `DELETE FROM ${table};`).join(' '));
  }

  deviceKey(): DeviceKeyRow | null {
    const row = this.db
      .prepare(
        'SELECT private_key_pem AS privateKeyPem, public_key AS publicKey, created_at AS createdAt FROM sync_device WHERE id = 1',
      )
      .get() as DeviceKeyRow | undefined;
    return row ?? null;
  }

  saveDeviceKey(row: DeviceKeyRow): void {
    this.db
      .prepare(
        `INSERT INTO sync_device (id, private_key_pem, public_key, created_at) VALUES (1, @privateKeyPem, @publicKey, @createdAt)
         ON CONFLICT (id) DO NOTHING`,
      )
      .run(row);
  }

  setError(error: string | null): void {
    this.db.prepare('UPDATE server_connection SET last_error = ? WHERE id = 1').run(error);
  }

  setSnapshotNeeded(): void {
    this.db.prepare('UPDATE server_connection SET snapshot_needed = 1 WHERE id = 1').run();
  }

  /** How many changes wait for the server. */
  waiting(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM sync_outbox').get() as { n: number }).n;
  }

  /**
   * The batch to send next: the one already given an id (sent before, answer never seen: resent
   * with the same id), else the oldest `max` rows, given `newId` before anything is sent. Null
   * when the outbox is empty.
   */
  nextBatch(newId: string, max: number): OutboxBatch | null {
    return this.db
      .transaction((): OutboxBatch | null => {
        const pending = this.db
          .prepare('SELECT batch_id FROM sync_outbox WHERE batch_id IS NOT NULL ORDER BY seq LIMIT 1')
          .pluck()
          .get() as string | undefined;
        const batchId = pending ?? newId;
        if (pending === undefined) {
          const assigned = this.db
            .prepare(
              'UPDATE sync_outbox SET batch_id = ? WHERE seq IN (SELECT seq FROM sync_outbox ORDER BY seq LIMIT ?)',
            )
            .run(batchId, max);
          if (assigned.changes === 0) {
            return null;
          }
        }
        const ops = this.db
          .prepare('SELECT op FROM sync_outbox WHERE batch_id = ? ORDER BY seq')
          .pluck()
          .all(batchId) as string[];
        return { batchId, ops };
      })
      .immediate();
  }

  /** The server accepted `batchId` at `revision`: its rows go. */
  batchAccepted(batchId: string, revision: number, now: number): void {
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM sync_outbox WHERE batch_id = ?').run(batchId);
        this.accepted(revision, now);
      })
      .immediate();
  }

  /**
   * Every published fact now, read in one transaction with the outbox's last row: the snapshot
   * covers every row up to `mark`. Signing keys: those the JWKS lists at `now`.
   */
  snapshot(now: number): Snapshot {
    return this.db
      .transaction((): Snapshot => {
        const mark =
          (this.db.prepare('SELECT coalesce(max(seq), 0) FROM sync_outbox').pluck().get() as number) ?? 0;
        const ops = [
          ...(this.db
            .prepare(`SELECT ${putIntegrationSql('i')} FROM integrations i`)
            .pluck()
            .all() as string[]),
          ...(this.db
            .prepare(`SELECT ${putKeySql('k')} FROM api_keys k`)
            .pluck()
            .all() as string[]),
          ...(this.db
            .prepare(
              `SELECT ${putSigningKeySql('s')} FROM signing_keys s
               WHERE s.retired_at IS NULL OR (s.last_secret_expires_at IS NOT NULL AND s.last_secret_expires_at > ?)`,
            )
            .pluck()
            .all(now) as string[]),
        ];
        return { ops, mark };
      })
      .deferred();
  }

  /** The server took the snapshot covering rows up to `mark`. */
  snapshotAccepted(mark: number, revision: number, now: number): void {
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM sync_outbox WHERE seq <= ?').run(mark);
        this.db.prepare('UPDATE server_connection SET snapshot_needed = 0 WHERE id = 1').run();
        this.accepted(revision, now);
      })
      .immediate();
  }

  /**
   * Takes (or renews) the publisher lease for `ttlMs`: free, expired, ours, or held by a process
   * of this machine that is gone. False while another publisher holds it.
   */
  acquireLease(holder: string, now: number, ttlMs: number): boolean {
    return this.db
      .transaction((): boolean => {
        const row = this.db
          .prepare(
            'SELECT lease_holder AS holder, lease_expires_at AS expiresAt FROM server_connection WHERE id = 1',
          )
          .get() as { holder: string | null; expiresAt: number | null } | undefined;
        if (row === undefined) {
          return false;
        }
        const free =
          row.holder === null ||
          row.holder === holder ||
          (row.expiresAt ?? 0) <= now ||
          holderIsGone(row.holder);
        if (free) {
          this.db
            .prepare('UPDATE server_connection SET lease_holder = ?, lease_expires_at = ? WHERE id = 1')
            .run(holder, now + ttlMs);
        }
        return free;
      })
      .immediate();
  }

  releaseLease(holder: string): void {
    this.db
      .prepare(
        'UPDATE server_connection SET lease_holder = NULL, lease_expires_at = NULL WHERE id = 1 AND lease_holder = ?',
      )
      .run(holder);
  }

  private accepted(revision: number, now: number): void {
    this.db
      .prepare(
        'UPDATE server_connection SET revision = ?, last_publish_at = ?, last_error = NULL WHERE id = 1',
      )
      .run(revision, now);
  }
}

/** A lease holder's name: `host:pid:random`. */
export function leaseHolderName(random: string): string {
  return `${hostname()}:${process.pid}:${random}`;
}

/** True when `holder` is a process of this machine that no longer runs (it cannot release its lease). */
function holderIsGone(holder: string): boolean {
  const [host, pidText] = holder.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
