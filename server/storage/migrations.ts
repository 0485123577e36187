import type { SqlDriver, SqlDialect } from './sql-driver.ts';

/**
 * One versioned schema change, written once for both dialects: `{{autoId}}` becomes an
 * auto-increment primary key. Migrations are append-only: never edit a released one, add the next.
 */
interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

const AUTO_ID: Record<SqlDialect, string> = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  postgres: 'BIGSERIAL PRIMARY KEY',
};

/**
 * The schema. Only what verification needs (docs/domain-rules.md, "Keyward server"): lookup hashes, ids, names,
 * times, status, access settings and public keys — no column can hold key material. Every
 * published row carries the `revision` of the batch that last wrote it, and deletions leave a
 * tombstone, so an instance catches up with "what changed since revision N".
 *
 * People and devices are split (`members` ← `devices`) so team sync can add member identity keys,
 * invitations and roles later as new tables and columns, without reshaping these rows.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'published facts, devices, request log',
    statements: [
      `CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE TABLE revision (id INTEGER PRIMARY KEY, revision BIGINT NOT NULL, published_at BIGINT)`,
      `INSERT INTO revision (id, revision, published_at) VALUES (1, 0, NULL)`,
      `CREATE TABLE batches (batch_id TEXT PRIMARY KEY, revision BIGINT NOT NULL, device_id TEXT,
        published_at BIGINT NOT NULL, op_count INTEGER NOT NULL, snapshot INTEGER NOT NULL)`,
      `CREATE TABLE integrations (integration_id TEXT PRIMARY KEY, name TEXT NOT NULL,
        never_expire INTEGER NOT NULL, grace_days INTEGER NOT NULL, enabled INTEGER NOT NULL,
        ip_acl TEXT NOT NULL, accepts TEXT NOT NULL, rate_limit TEXT, revision BIGINT NOT NULL)`,
      `CREATE TABLE keys (key_id TEXT PRIMARY KEY, integration_id TEXT NOT NULL, lookup_hash TEXT NOT NULL,
        status TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT, grace_ends_at BIGINT,
        ended_at BIGINT, revision BIGINT NOT NULL)`,
      `CREATE UNIQUE INDEX keys_lookup_hash ON keys (lookup_hash)`,
      `CREATE INDEX keys_integration ON keys (integration_id)`,
      `CREATE INDEX keys_revision ON keys (revision)`,
      `CREATE INDEX integrations_revision ON integrations (revision)`,
      `CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, x TEXT NOT NULL, created_at BIGINT NOT NULL,
        revision BIGINT NOT NULL)`,
      `CREATE TABLE tombstones (kind TEXT NOT NULL, id TEXT NOT NULL, revision BIGINT NOT NULL,
        PRIMARY KEY (kind, id))`,
      `CREATE INDEX tombstones_revision ON tombstones (revision)`,
      `CREATE TABLE members (member_id TEXT PRIMARY KEY, role TEXT NOT NULL, created_at BIGINT NOT NULL)`,
      `CREATE TABLE devices (device_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, name TEXT NOT NULL,
        public_key TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen_at BIGINT, revoked_at BIGINT)`,
      `CREATE TABLE enrolment_codes (code_hash TEXT PRIMARY KEY, member_id TEXT, role TEXT NOT NULL,
        created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT, device_id TEXT)`,
      `CREATE TABLE challenges (challenge_id TEXT PRIMARY KEY, device_id TEXT NOT NULL,
        challenge TEXT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT)`,
      `CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, device_id TEXT NOT NULL, expires_at BIGINT NOT NULL)`,
      `CREATE TABLE request_log (id {{autoId}}, at BIGINT NOT NULL, key_id TEXT, integration_id TEXT,
        outcome TEXT NOT NULL, client_ip TEXT NOT NULL, instance TEXT NOT NULL)`,
      `CREATE INDEX request_log_at ON request_log (at)`,
      `CREATE INDEX request_log_key ON request_log (key_id, at)`,
      `CREATE INDEX request_log_integration ON request_log (integration_id, at)`,
    ],
  },
  {
    // Every verification inserts a request-log row, and the (key_id, at) index took the costliest
    // part of it: rows of a thousand busy keys land on a thousand different index pages, so each
    // batch rewrote about a page per row (~30 µs a verification on SQLite, `npm run bench:verify-key`).
    // What reads the log by key is served by the other two: the usage summary by
    // (integration_id, at), and `/v1/usage?keyId=` newest first along (at).
    version: 2,
    name: 'request log without the per-key index',
    statements: [`DROP INDEX request_log_key`],
  },
  {
    // A signing key the vault rotated away from: Secrets it signed after then are forged.
    version: 3,
    name: 'signing keys know when they were retired',
    statements: [`ALTER TABLE signing_keys ADD COLUMN retired_at BIGINT`],
  },
  {
    // One row per second, key, integration, outcome, client IP and instance, counting the
    // verifications alike (server/log/request-log.ts): a gateway's client calls with the same key
    // from the same address many times a second, and each row costs index upkeep on insert.
    version: 4,
    name: 'request log rows count their calls',
    statements: [`ALTER TABLE request_log ADD COLUMN calls INTEGER NOT NULL DEFAULT 1`],
  },
];

/** The schema version this build expects. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to {@link SCHEMA_VERSION}, each migration in its own transaction; several
 * instances starting at once on PostgreSQL take turns (a transaction-scoped advisory lock).
 * Refuses a database newer than this build. Resolves to the version before migrating.
 */
export async function migrate(driver: SqlDriver): Promise<number> {
  await driver.run(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
  );
  return driver.transaction(async (tx) => {
    if (driver.dialect === 'postgres') {
      await tx.all('SELECT pg_advisory_xact_lock(87870001)');
    }
    const rows = await tx.all<{ version: number | null }>(
      'SELECT MAX(version) AS version FROM schema_migrations',
    );
    const from = Number(rows[0]?.version ?? 0);
    if (from > SCHEMA_VERSION) {
      throw new Error(
        `the database has schema version ${from}, newer than this server's ${SCHEMA_VERSION}: upgrade the server`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) {
        continue;
      }
      for (const statement of migration.statements) {
        await tx.run(statement.replace('{{autoId}}', AUTO_ID[driver.dialect]));
      }
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
    }
    return from;
  });
}
