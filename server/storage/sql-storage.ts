import type {
  PublishBatch,
  PublishedIntegration,
  PublishedKeyFacts,
  PublishedSigningKey,
} from '../../shared/sync/publish-batch.ts';
import { USAGE_DAYS, USAGE_RECENT_MAX } from '../../shared/sync/usage.ts';
import type { IntegrationUsage, KeyUsage } from '../../shared/sync/usage.ts';
import { DAY_MS } from '../../shared/keys/acceptance.ts';
import { migrate } from './migrations.ts';
import type { SqlDriver, SqlExecutor } from './sql-driver.ts';
import type {
  BatchOutcome,
  Device,
  EnrolmentCodeRecord,
  MemberRole,
  RequestLogEntry,
  StateChanges,
  Storage,
} from './storage.ts';

/** The PostgreSQL channel a publish notifies (payload: the new revision). */
export const REVISION_CHANNEL = 'keyward_revision';

const INTEGRATION_COLUMNS = [
  'integration_id',
  'name',
  'never_expire',
  'grace_days',
  'enabled',
  'ip_acl',
  'accepts',
  'rate_limit',
  'revision',
] as const;
const KEY_COLUMNS = [
  'key_id',
  'integration_id',
  'lookup_hash',
  'status',
  'created_at',
  'expires_at',
  'grace_ends_at',
  'ended_at',
  'revision',
] as const;
const SIGNING_KEY_COLUMNS = ['kid', 'x', 'created_at', 'retired_at', 'revision'] as const;

interface IntegrationRow {
  integration_id: string;
  name: string;
  never_expire: number;
  grace_days: number;
  enabled: number;
  ip_acl: string;
  accepts: PublishedIntegration['accepts'];
  rate_limit: string | null;
}
interface KeyRow {
  key_id: string;
  integration_id: string;
  lookup_hash: string;
  status: PublishedKeyFacts['status'];
  created_at: number;
  expires_at: number | null;
  grace_ends_at: number | null;
  ended_at: number | null;
}
interface DeviceRow {
  device_id: string;
  member_id: string;
  role: MemberRole;
  name: string;
  public_key: string;
  created_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
}

/** A batch that would leave the published state inconsistent: rolled back, answered 400. */
class InvalidBatch extends Error {}

const DEVICE_SELECT = `SELECT d.device_id, d.member_id, m.role, d.name, d.public_key, d.created_at,
  d.last_seen_at, d.revoked_at FROM devices d JOIN members m ON m.member_id = d.member_id`;

function toDevice(row: DeviceRow): Device {
  return {
    deviceId: row.device_id,
    memberId: row.member_id,
    role: row.role,
    name: row.name,
    publicKey: row.public_key,
    createdAt: Number(row.created_at),
    lastSeenAt: row.last_seen_at === null ? null : Number(row.last_seen_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

/** Rows per statement of the request log's batch insert (`appendRequests`). */
const REQUEST_LOG_SLICE = 250;

/** The request log's multi-row INSERT of `rows` rows. */
const requestLogInsert = (rows: number): string =>
  `INSERT INTO request_log (at, key_id, integration_id, outcome, client_ip, instance, calls) VALUES ${new Array<string>(
    rows,
  )
    .fill('(?, ?, ?, ?, ?, ?, ?)')
    .join(', ')}`;

const REQUEST_LOG_INSERT = requestLogInsert(REQUEST_LOG_SLICE);

const nullableNumber = (value: number | null): number | null => (value === null ? null : Number(value));

function toKeyFacts(row: KeyRow): PublishedKeyFacts {
  return {
    keyId: row.key_id,
    integrationId: row.integration_id,
    lookupHash: row.lookup_hash,
    status: row.status,
    createdAt: Number(row.created_at),
    expiresAt: nullableNumber(row.expires_at),
    graceEndsAt: nullableNumber(row.grace_ends_at),
    endedAt: nullableNumber(row.ended_at),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The one storage implementation, over a {@link SqlDriver}: the SQLite and PostgreSQL adapters are
 * this class on their driver (`open-storage.ts`), so both run the same SQL and the same tests.
 */
export class SqlStorage implements Storage {
  readonly kind: 'sqlite' | 'postgres';
  private readonly driver: SqlDriver;

  private constructor(driver: SqlDriver) {
    this.driver = driver;
    this.kind = driver.dialect;
  }

  /** Opens storage on a driver, migrating the schema first. */
  static async open(driver: SqlDriver): Promise<SqlStorage> {
    try {
      await migrate(driver);
    } catch (error) {
      await driver.close().catch(() => undefined);
      throw error;
    }
    return new SqlStorage(driver);
  }

  async currentRevision(): Promise<number> {
    const rows = await this.driver.all<{ revision: number }>('SELECT revision FROM revision WHERE id = 1');
    return Number(rows[0]?.revision ?? 0);
  }

  changesSince(revision: number, options: { withoutKeys?: boolean } = {}): Promise<StateChanges> {
    return this.driver.transaction(
      async (tx) => {
        const head = await tx.all<{ revision: number; published_at: number | null }>(
          'SELECT revision, published_at FROM revision WHERE id = 1',
        );
        const integrations = await tx.all<IntegrationRow>(
          'SELECT * FROM integrations WHERE revision > ? ORDER BY integration_id',
          [revision],
        );
        const keys =
          options.withoutKeys === true
            ? []
            : await tx.all<KeyRow>('SELECT * FROM keys WHERE revision > ?', [revision]);
        const signing = await tx.all<{
          kid: string;
          x: string;
          created_at: number;
          retired_at: number | null;
        }>('SELECT kid, x, created_at, retired_at FROM signing_keys WHERE revision > ? ORDER BY kid', [
          revision,
        ]);
        const removed =
          revision === 0
            ? []
            : await tx.all<{ kind: string; id: string }>(
                'SELECT kind, id FROM tombstones WHERE revision > ?',
                [revision],
              );
        return {
          revision: Number(head[0]?.revision ?? 0),
          publishedAt: nullableNumber(head[0]?.published_at ?? null),
          integrations: integrations.map((row) => ({
            integrationId: row.integration_id,
            integrationName: row.name,
            neverExpire: Number(row.never_expire) === 1,
            graceDays: Number(row.grace_days),
            enabled: Number(row.enabled) === 1,
            ipAcl: JSON.parse(row.ip_acl) as string[],
            accepts: row.accepts,
            rateLimit:
              row.rate_limit === null
                ? null
                : (JSON.parse(row.rate_limit) as PublishedIntegration['rateLimit']),
          })),
          keys: keys.map(toKeyFacts),
          signingKeys: signing.map((row) => ({
            kid: row.kid,
            x: row.x,
            createdAt: Number(row.created_at),
            retiredAt: row.retired_at === null ? null : Number(row.retired_at),
          })),
          removedIntegrations: removed.filter((row) => row.kind === 'integration').map((row) => row.id),
          removedKeys: removed.filter((row) => row.kind === 'key').map((row) => row.id),
          removedSigningKeys: removed.filter((row) => row.kind === 'signing-key').map((row) => row.id),
        };
      },
      { snapshot: true },
    );
  }

  async keyPage(afterKeyId: string, limit: number): Promise<PublishedKeyFacts[]> {
    const rows = await this.driver.all<KeyRow>(
      'SELECT * FROM keys WHERE key_id > ? ORDER BY key_id LIMIT ?',
      [afterKeyId, Math.max(1, Math.floor(limit))],
    );
    return rows.map(toKeyFacts);
  }

  async applyBatch(
    batch: PublishBatch,
    context: { deviceId: string | null; now: number },
  ): Promise<BatchOutcome> {
    try {
      return await this.driver.transaction(async (tx) => {
        const lock = this.kind === 'postgres' ? ' FOR UPDATE' : '';
        const head = await tx.all<{ revision: number }>(`SELECT revision FROM revision WHERE id = 1${lock}`);
        const current = Number(head[0]?.revision ?? 0);
        const seen = await tx.all<{ revision: number }>('SELECT revision FROM batches WHERE batch_id = ?', [
          batch.batchId,
        ]);
        if (seen[0] !== undefined) {
          return { kind: 'duplicate', revision: Number(seen[0].revision) } as const;
        }
        if (batch.baseRevision !== undefined && batch.baseRevision !== current) {
          return { kind: 'conflict', revision: current } as const;
        }
        const revision = current + 1;
        await this.write(tx, batch, revision);
        // Only the keys this batch wrote can have lost their integration: a deleted integration takes
        // its keys with it (`write`). Checking every key made a one-key publish scan the whole table.
        const orphan = await tx.all<{ key_id: string }>(
          `SELECT k.key_id FROM keys k WHERE k.revision = ? AND NOT EXISTS
             (SELECT 1 FROM integrations i WHERE i.integration_id = k.integration_id) LIMIT 1`,
          [revision],
        );
        if (orphan[0] !== undefined) {
          throw new InvalidBatch(
            `key ${orphan[0].key_id} belongs to an integration the server does not have`,
          );
        }
        await tx.run('UPDATE revision SET revision = ?, published_at = ? WHERE id = 1', [
          revision,
          context.now,
        ]);
        await tx.run(
          'INSERT INTO batches (batch_id, revision, device_id, published_at, op_count, snapshot) VALUES (?, ?, ?, ?, ?, ?)',
          [batch.batchId, revision, context.deviceId, context.now, batch.ops.length, batch.snapshot ? 1 : 0],
        );
        if (this.kind === 'postgres') {
          // Delivered to every listener when (and only if) this transaction commits.
          await tx.all('SELECT pg_notify(?, ?)', [REVISION_CHANNEL, String(revision)]);
        }
        return { kind: 'applied', revision } as const;
      });
    } catch (error) {
      if (error instanceof InvalidBatch) {
        return { kind: 'invalid', message: error.message };
      }
      if (isUniqueViolation(error)) {
        return { kind: 'invalid', message: 'two keys in the published state have the same lookup hash' };
      }
      throw error;
    }
  }

  /** Folds the batch (the last operation on an id wins) and writes it as `revision`. */
  private async write(tx: SqlExecutor, batch: PublishBatch, revision: number): Promise<void> {
    const integrations = new Map<string, PublishedIntegration | null>();
    const keys = new Map<string, PublishedKeyFacts | null>();
    const signingKeys = new Map<string, PublishedSigningKey | null>();
    const cascades = new Set<string>();
    for (const op of batch.ops) {
      switch (op.op) {
        case 'putIntegration':
          integrations.set(op.integration.integrationId, op.integration);
          break;
        case 'deleteIntegration':
          integrations.set(op.integrationId, null);
          cascades.add(op.integrationId);
          for (const [keyId, key] of keys) {
            if (key !== null && key.integrationId === op.integrationId) {
              keys.set(keyId, null);
            }
          }
          break;
        case 'putKey':
          keys.set(op.key.keyId, op.key);
          break;
        case 'deleteKey':
          keys.set(op.keyId, null);
          break;
        case 'putSigningKey':
          signingKeys.set(op.signingKey.kid, op.signingKey);
          break;
        case 'deleteSigningKey':
          signingKeys.set(op.kid, null);
          break;
      }
    }
    const tombstone = `ON CONFLICT (kind, id) DO UPDATE SET revision = excluded.revision`;
    // Deleting an integration ends all its keys at once (docs/domain-rules.md, "Keys").
    for (const integrationId of cascades) {
      await tx.run(
        `INSERT INTO tombstones (kind, id, revision) SELECT 'key', key_id, ? FROM keys WHERE integration_id = ? ${tombstone}`,
        [revision, integrationId],
      );
      await tx.run('DELETE FROM keys WHERE integration_id = ?', [integrationId]);
    }
    const removals: [string, string, string, Map<string, unknown>][] = [
      ['key', 'keys', 'key_id', keys],
      ['integration', 'integrations', 'integration_id', integrations],
      ['signing-key', 'signing_keys', 'kid', signingKeys],
    ];
    for (const [kind, table, column, map] of removals) {
      const ids = [...map].filter(([, value]) => value === null).map(([id]) => id);
      await this.insertMany(
        tx,
        'tombstones',
        ['kind', 'id', 'revision'],
        ids.map((id) => [kind, id, revision]),
        tombstone,
      );
      for (let start = 0; start < ids.length; start += 500) {
        const chunk = ids.slice(start, start + 500);
        await tx.run(`DELETE FROM ${table} WHERE ${column} IN (${chunk.map(() => '?').join(', ')})`, chunk);
      }
    }
    const upsert = (columns: readonly string[], key: string): string =>
      `ON CONFLICT (${key}) DO UPDATE SET ${columns
        .filter((column) => column !== key)
        .map((column) => `${column} = excluded.${column}`)
        .join(', ')}`;
    await this.insertMany(
      tx,
      'integrations',
      INTEGRATION_COLUMNS,
      [...integrations.values()]
        .filter((value) => value !== null)
        .map((value) => [
          value.integrationId,
          value.integrationName,
          value.neverExpire ? 1 : 0,
          value.graceDays,
          value.enabled ? 1 : 0,
          JSON.stringify(value.ipAcl),
          value.accepts,
          value.rateLimit === null ? null : JSON.stringify(value.rateLimit),
          revision,
        ]),
      upsert(INTEGRATION_COLUMNS, 'integration_id'),
    );
    await this.insertMany(
      tx,
      'keys',
      KEY_COLUMNS,
      [...keys.values()]
        .filter((value) => value !== null)
        .map((value) => [
          value.keyId,
          value.integrationId,
          value.lookupHash,
          value.status,
          value.createdAt,
          value.expiresAt,
          value.graceEndsAt,
          value.endedAt,
          revision,
        ]),
      upsert(KEY_COLUMNS, 'key_id'),
    );
    await this.insertMany(
      tx,
      'signing_keys',
      SIGNING_KEY_COLUMNS,
      [...signingKeys.values()]
        .filter((value) => value !== null)
        .map((value) => [value.kid, value.x, value.createdAt, value.retiredAt ?? null, revision]),
      upsert(SIGNING_KEY_COLUMNS, 'kid'),
    );
    if (batch.snapshot) {
      // Everything the snapshot did not write is gone.
      for (const [kind, table, column] of removals) {
        await tx.run(
          `INSERT INTO tombstones (kind, id, revision) SELECT '${kind}', ${column}, ? FROM ${table} WHERE revision < ? ${tombstone}`,
          [revision, revision],
        );
        await tx.run(`DELETE FROM ${table} WHERE revision < ?`, [revision]);
      }
    }
  }

  /** Multi-row INSERT, chunked by the driver's parameter limit. */
  private async insertMany(
    tx: SqlExecutor,
    table: string,
    columns: readonly string[],
    rows: readonly unknown[][],
    conflict: string,
  ): Promise<void> {
    const perChunk = Math.max(1, Math.min(1000, Math.floor(this.driver.maxParams / columns.length)));
    const row = `(${columns.map(() => '?').join(', ')})`;
    for (let start = 0; start < rows.length; start += perChunk) {
      const chunk = rows.slice(start, start + perChunk);
      await tx.run(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => row).join(', ')} ${conflict}`,
        chunk.flat(),
      );
    }
  }

  watch(onRevision: () => void): Promise<() => Promise<void>> {
    return this.driver.listen(REVISION_CHANNEL, () => {
      onRevision();
    });
  }

  async addEnrolmentCode(code: EnrolmentCodeRecord): Promise<void> {
    await this.driver.run(
      'INSERT INTO enrolment_codes (code_hash, member_id, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      [code.codeHash, code.memberId, code.role, code.createdAt, code.expiresAt],
    );
  }

  enrolDevice(
    codeHash: string,
    device: { deviceId: string; memberId: string; name: string; publicKey: string },
    now: number,
  ): Promise<Device | null> {
    return this.driver.transaction(async (tx) => {
      const used = await tx.run(
        'UPDATE enrolment_codes SET used_at = ?, device_id = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?',
        [now, device.deviceId, codeHash, now],
      );
      if (used !== 1) {
        return null;
      }
      const codes = await tx.all<{ member_id: string | null; role: MemberRole }>(
        'SELECT member_id, role FROM enrolment_codes WHERE code_hash = ?',
        [codeHash],
      );
      const code = codes[0];
      if (code === undefined) {
        return null;
      }
      let memberId = code.member_id;
      if (memberId === null) {
        memberId = device.memberId;
        await tx.run('INSERT INTO members (member_id, role, created_at) VALUES (?, ?, ?)', [
          memberId,
          code.role,
          now,
        ]);
      }
      await tx.run(
        'INSERT INTO devices (device_id, member_id, name, public_key, created_at) VALUES (?, ?, ?, ?, ?)',
        [device.deviceId, memberId, device.name, device.publicKey, now],
      );
      const rows = await tx.all<DeviceRow>(`${DEVICE_SELECT} WHERE d.device_id = ?`, [device.deviceId]);
      return rows[0] === undefined ? null : toDevice(rows[0]);
    });
  }

  async listDevices(): Promise<Device[]> {
    return (await this.driver.all<DeviceRow>(`${DEVICE_SELECT} ORDER BY d.created_at, d.device_id`)).map(
      toDevice,
    );
  }

  async getDevice(deviceId: string): Promise<Device | null> {
    const rows = await this.driver.all<DeviceRow>(`${DEVICE_SELECT} WHERE d.device_id = ?`, [deviceId]);
    return rows[0] === undefined ? null : toDevice(rows[0]);
  }

  revokeDevice(deviceId: string, now: number): Promise<boolean> {
    return this.driver.transaction(async (tx) => {
      const changed = await tx.run(
        'UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL',
        [now, deviceId],
      );
      await tx.run('DELETE FROM tokens WHERE device_id = ?', [deviceId]);
      return changed === 1;
    });
  }

  async addChallenge(challenge: {
    challengeId: string;
    deviceId: string;
    challenge: string;
    expiresAt: number;
  }): Promise<void> {
    await this.driver.run(
      'INSERT INTO challenges (challenge_id, device_id, challenge, expires_at) VALUES (?, ?, ?, ?)',
      [challenge.challengeId, challenge.deviceId, challenge.challenge, challenge.expiresAt],
    );
  }

  consumeChallenge(challengeId: string, deviceId: string, now: number): Promise<string | null> {
    return this.driver.transaction(async (tx) => {
      const used = await tx.run(
        'UPDATE challenges SET used_at = ? WHERE challenge_id = ? AND device_id = ? AND used_at IS NULL AND expires_at > ?',
        [now, challengeId, deviceId, now],
      );
      if (used !== 1) {
        return null;
      }
      const rows = await tx.all<{ challenge: string }>(
        'SELECT challenge FROM challenges WHERE challenge_id = ?',
        [challengeId],
      );
      return rows[0]?.challenge ?? null;
    });
  }

  async addToken(token: { tokenHash: string; deviceId: string; expiresAt: number }): Promise<void> {
    await this.driver.run('INSERT INTO tokens (token_hash, device_id, expires_at) VALUES (?, ?, ?)', [
      token.tokenHash,
      token.deviceId,
      token.expiresAt,
    ]);
  }

  async deviceForToken(tokenHash: string, now: number): Promise<Device | null> {
    const rows = await this.driver.all<DeviceRow>(
      `${DEVICE_SELECT} JOIN tokens t ON t.device_id = d.device_id
       WHERE t.token_hash = ? AND t.expires_at > ? AND d.revoked_at IS NULL`,
      [tokenHash, now],
    );
    return rows[0] === undefined ? null : toDevice(rows[0]);
  }

  async appendRequests(entries: readonly RequestLogEntry[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    // One transaction, written in slices with the event loop let in between: a second's worth of
    // rows at once stalled every verification waiting behind it (p99 40–60 ms on SQLite, whose
    // driver is synchronous). Full slices share one cached statement.
    await this.driver.transaction(async (tx) => {
      for (let start = 0; start < entries.length; start += REQUEST_LOG_SLICE) {
        if (start > 0) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        const end = Math.min(entries.length, start + REQUEST_LOG_SLICE);
        const params: unknown[] = [];
        for (let index = start; index < end; index += 1) {
          const entry = entries[index] as RequestLogEntry;
          params.push(
            entry.at,
            entry.keyId,
            entry.integrationId,
            entry.outcome,
            entry.clientIp,
            entry.instance,
            entry.calls ?? 1,
          );
        }
        await tx.run(
          end - start === REQUEST_LOG_SLICE ? REQUEST_LOG_INSERT : requestLogInsert(end - start),
          params,
        );
      }
    });
  }

  pruneRequests(before: number): Promise<number> {
    return this.driver.run('DELETE FROM request_log WHERE at < ?', [before]);
  }

  async recentRequests(filter: {
    integrationId?: string | undefined;
    keyId?: string | undefined;
    limit: number;
  }): Promise<RequestLogEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.integrationId !== undefined) {
      where.push('integration_id = ?');
      params.push(filter.integrationId);
    }
    if (filter.keyId !== undefined) {
      where.push('key_id = ?');
      params.push(filter.keyId);
    }
    params.push(Math.max(1, Math.min(10_000, Math.floor(filter.limit))));
    const rows = await this.driver.all<{
      at: number;
      key_id: string | null;
      integration_id: string | null;
      outcome: string;
      client_ip: string;
      instance: string;
      calls: number;
    }>(
      `SELECT at, key_id, integration_id, outcome, client_ip, instance, calls FROM request_log
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`,
      params,
    );
    return rows.map((row) => ({
      at: Number(row.at),
      keyId: row.key_id,
      integrationId: row.integration_id,
      outcome: row.outcome,
      clientIp: row.client_ip,
      instance: row.instance,
      calls: Number(row.calls),
    }));
  }

  async usageSummary(integrationId: string, until: number): Promise<IntegrationUsage> {
    const since = until - USAGE_DAYS * DAY_MS;
    // One query after the other: a PostgreSQL client runs one at a time (pg 9 refuses queued ones).
    const [keys, lastUsed, daily, lastDay] = await this.driver.transaction(
      async (tx) =>
        [
          await tx.all<{ key_id: string }>('SELECT key_id FROM keys WHERE integration_id = ?', [
            integrationId,
          ]),
          await tx.all<{ key_id: string; last: number }>(
            `SELECT key_id, MAX(at) AS last FROM request_log
             WHERE integration_id = ? AND outcome = 'OK' AND key_id IS NOT NULL GROUP BY key_id`,
            [integrationId],
          ),
          await tx.all<{ key_id: string; bucket: number; calls: number }>(
            `SELECT key_id, CAST((at - ?) / ${DAY_MS} AS INTEGER) AS bucket, SUM(calls) AS calls FROM request_log
             WHERE integration_id = ? AND outcome = 'OK' AND key_id IS NOT NULL AND at >= ? AND at < ?
             GROUP BY key_id, bucket`,
            [since, integrationId, since, until],
          ),
          await tx.all<{ key_id: string; calls: number }>(
            `SELECT key_id, SUM(calls) AS calls FROM request_log
             WHERE integration_id = ? AND key_id IS NOT NULL AND at >= ? AND at < ? GROUP BY key_id`,
            [integrationId, until - DAY_MS, until],
          ),
        ] as const,
      { snapshot: true },
    );
    const recent = await this.recentRequests({ integrationId, limit: USAGE_RECENT_MAX });
    const usage = new Map<string, KeyUsage>();
    const of = (keyId: string): KeyUsage => {
      let entry = usage.get(keyId);
      if (entry === undefined) {
        entry = { keyId, lastUsedAt: null, daily: new Array<number>(USAGE_DAYS).fill(0), callsLast24h: 0 };
        usage.set(keyId, entry);
      }
      return entry;
    };
    for (const { key_id } of keys) {
      of(key_id);
    }
    for (const row of lastUsed) {
      of(row.key_id).lastUsedAt = Number(row.last);
    }
    for (const row of daily) {
      const bucket = Math.floor(Number(row.bucket));
      if (bucket >= 0 && bucket < USAGE_DAYS) {
        of(row.key_id).daily[bucket] = Number(row.calls);
      }
    }
    for (const row of lastDay) {
      of(row.key_id).callsLast24h = Number(row.calls);
    }
    return {
      integrationId,
      until,
      keys: [...usage.values()],
      recent: recent.map(({ at, keyId, outcome, clientIp, calls = 1 }) => ({
        at,
        keyId,
        outcome,
        clientIp,
        ...(calls > 1 ? { calls } : {}),
      })),
    };
  }

  async pruneSessions(now: number): Promise<void> {
    await this.driver.run('DELETE FROM challenges WHERE expires_at <= ?', [now]);
    await this.driver.run('DELETE FROM tokens WHERE expires_at <= ?', [now]);
    await this.driver.run('DELETE FROM enrolment_codes WHERE expires_at <= ? AND used_at IS NULL', [now]);
  }

  async ping(): Promise<void> {
    await this.driver.all('SELECT 1 AS ok');
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
