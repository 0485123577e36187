// Schema migrations on real encrypted files: every earlier version upgrades to exactly the schema a
// new vault gets, a file from a newer Keyward is refused and left alone, and a migration that fails
// part-way leaves the version and the schema as they were.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/vault/db/migrate.ts';
import type { Migration } from '../../../electron/vault/db/migration.ts';
import { MIGRATIONS } from '../../../electron/vault/db/migrations/index.ts';
import { openVaultDatabase } from '../../../electron/vault/db/open-database.ts';
import type { SqliteDatabase } from '../../../electron/vault/db/sqlite.ts';
import { createOutboxTriggers, OUTBOX_TRIGGERS } from '../../../electron/vault/sync/outbox-triggers.ts';
import { codeOf, folderSnapshot } from '../../support/checks.ts';
import { makeTempDir } from '../../support/temp-vault.ts';

const LATEST = MIGRATIONS.length;
const dataKey = randomBytes(32);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    cleanup();
  }
});

/** A new encrypted database file in a temp folder, opened without migrations (user_version 0). */
function emptyDatabase(): { db: SqliteDatabase; path: string; dir: string } {
  const { dir, cleanup } = makeTempDir();
  const path = join(dir, 'keyward.vault');
  const db = openVaultDatabase(path, { dataKey, create: true, skipMigrations: true });
  cleanups.push(() => {
    if (db.open) {
      db.close();
    }
    cleanup();
  });
  return { db, path, dir };
}

/** A database file built by the first `version` migrations only, as an older Keyward left it. */
function databaseAtVersion(version: number): { db: SqliteDatabase; path: string; dir: string } {
  const made = emptyDatabase();
  expect(migrate(made.db, MIGRATIONS.slice(0, version))).toBe(version);
  return made;
}

function userVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Tables, indexes and triggers as SQL text (page numbers aside, which depend on history). */
function schemaOf(db: SqliteDatabase): unknown[] {
  return db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name').all();
}

/** The schema a brand-new vault gets. */
function latestSchema(): unknown[] {
  const { db } = emptyDatabase();
  migrate(db);
  return schemaOf(db);
}

describe('upgrading to the latest schema', () => {
  it('knows at least one migration, numbered 1, 2, 3 … without gaps', () => {
    expect(LATEST).toBeGreaterThan(0);
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
  });

  it('an empty file becomes the latest schema', () => {
    const { db } = emptyDatabase();
    expect(userVersion(db)).toBe(0);
    expect(schemaOf(db)).toEqual([]);
    expect(migrate(db)).toBe(LATEST);
    expect(userVersion(db)).toBe(LATEST);
    expect(schemaOf(db)).toEqual(latestSchema());
    expect(schemaOf(db).length).toBeGreaterThan(0);
  });

  const earlierVersions = Array.from({ length: LATEST }, (_, version) => version);

  it.each(earlierVersions)(
    'a file at version %i upgrades to exactly the schema of a new vault',
    (version) => {
      const { db } = databaseAtVersion(version);
      expect(userVersion(db)).toBe(version);
      if (version > 0) {
        db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('written_at_version', String(version));
      }
      expect(migrate(db)).toBe(LATEST);
      expect(userVersion(db)).toBe(LATEST);
      expect(schemaOf(db)).toEqual(latestSchema());
      if (version > 0) {
        // What the older version stored is still there.
        expect(db.prepare(`SELECT value FROM meta WHERE key = 'written_at_version'`).get()).toEqual({
          value: String(version),
        });
      }
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
    },
  );

  it.each(earlierVersions)('opening a version-%i file through openVaultDatabase upgrades it', (version) => {
    const { db, path } = databaseAtVersion(version);
    db.close();
    const reopened = openVaultDatabase(path, { dataKey, create: false });
    try {
      expect(userVersion(reopened)).toBe(LATEST);
      expect(schemaOf(reopened)).toEqual(latestSchema());
    } finally {
      reopened.close();
    }
  });

  it('version 3 → 4: integrations accept a key or a Secret and have no rate limit; nothing is queued for a server', () => {
    const { db } = databaseAtVersion(3);
    db.prepare(
      `INSERT INTO integrations (id, name, name_key, platform, prefix, rotation_days, grace_days, created_at, updated_at)
       VALUES ('i1', 'Billing', 'billing', 'server', 'kw_', 365, 30, 1, 1)`,
    ).run();
    migrate(db);
    expect(
      db.prepare('SELECT accepts, rate_limit_requests, rate_limit_window_seconds FROM integrations').get(),
    ).toEqual({ accepts: 'key-or-secret', rate_limit_requests: null, rate_limit_window_seconds: null });
    expect(() => db.prepare(`UPDATE integrations SET accepts = 'anything'`).run()).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE integrations SET rate_limit_requests = 0').run()).toThrow(/CHECK/);
    // Not connected: changes write no outbox rows.
    db.prepare(`UPDATE integrations SET enabled = 0`).run();
    expect(db.prepare('SELECT count(*) FROM sync_outbox').pluck().get()).toBe(0);
  });

  /** The outbox triggers (sync_…) a database has, by name. */
  const syncTriggers = (db: SqliteDatabase) =>
    db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name GLOB 'sync_*' ORDER BY name")
      .pluck()
      .all() as string[];
  const outbox = (db: SqliteDatabase) =>
    (db.prepare('SELECT op FROM sync_outbox ORDER BY seq').pluck().all() as string[]).map(
      (op) => (JSON.parse(op) as { op: string }).op,
    );
  const addIntegration = (db: SqliteDatabase, id: string) =>
    db
      .prepare(
        `INSERT INTO integrations (id, name, name_key, platform, prefix, rotation_days, grace_days, created_at, updated_at)
         VALUES (?, ?, ?, 'server', 'kw_', 365, 30, 1, 1)`,
      )
      .run(id, id, id);

  it('version 4 → 5, not connected: the always-on outbox triggers are gone; writes queue nothing', () => {
    const { db } = databaseAtVersion(4);
    expect(syncTriggers(db)).toHaveLength(8); // 0004's always-on triggers
    migrate(db);
    expect(syncTriggers(db)).toEqual([]);
    addIntegration(db, 'i1');
    db.prepare('UPDATE integrations SET enabled = 0').run();
    expect(outbox(db)).toEqual([]);
  });

  it('version 4 → 5, connected: the triggers stay (without the connected check), the waiting rows too; changes still queue, a rolled-back one does not', () => {
    const { db } = databaseAtVersion(4);
    db.prepare(
      `INSERT INTO server_connection (id, url, device_id, device_name, connected_at) VALUES (1, 'http://127.0.0.1:1', 'd1', 'Laptop', 1)`,
    ).run();
    addIntegration(db, 'i1'); // queued by 0004's trigger, not yet published
    expect(outbox(db)).toEqual(['putIntegration']);
    migrate(db);
    expect(syncTriggers(db)).toEqual([...OUTBOX_TRIGGERS].sort());
    const sql = db
      .prepare(
        "SELECT group_concat(sql, ';') FROM sqlite_schema WHERE type = 'trigger' AND name GLOB 'sync_*'",
      )
      .pluck()
      .get() as string;
    expect(sql).not.toContain('server_connection');
    db.prepare(`UPDATE integrations SET enabled = 0`).run();
    db.prepare(`UPDATE integrations SET notes = 'not published'`).run();
    addIntegration(db, 'i2');
    db.prepare(`DELETE FROM integrations WHERE id = 'i2'`).run();
    expect(outbox(db)).toEqual(['putIntegration', 'putIntegration', 'putIntegration', 'deleteIntegration']);
    expect(() =>
      db.transaction(() => {
        addIntegration(db, 'i3');
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(outbox(db)).toHaveLength(4);
  });

  it("version 5 → 6, connected: the outbox triggers come back with the one that publishes a signing key's retirement", () => {
    const { db } = databaseAtVersion(5);
    db.prepare(
      `INSERT INTO server_connection (id, url, device_id, device_name, connected_at) VALUES (1, 'http://127.0.0.1:1', 'd1', 'Laptop', 1)`,
    ).run();
    createOutboxTriggers(db);
    db.exec('DROP TRIGGER sync_signing_key_retire'); // what 0005 made: no trigger for a retirement
    db.prepare(
      `INSERT INTO signing_keys (kid, private_jwk, public_jwk, created_at) VALUES ('k1', '{}', '{"x":"pub"}', 1)`,
    ).run();
    migrate(db);
    expect(syncTriggers(db)).toEqual([...OUTBOX_TRIGGERS].sort());
    db.prepare('UPDATE signing_keys SET last_secret_expires_at = 9').run(); // not published
    db.prepare('UPDATE signing_keys SET retired_at = 5000').run();
    const ops = (db.prepare('SELECT op FROM sync_outbox ORDER BY seq').pluck().all() as string[]).map(
      (op) => JSON.parse(op) as unknown,
    );
    expect(ops).toEqual([
      { op: 'putSigningKey', signingKey: { kid: 'k1', x: 'pub', createdAt: 1, retiredAt: null } },
      { op: 'putSigningKey', signingKey: { kid: 'k1', x: 'pub', createdAt: 1, retiredAt: 5000 } },
    ]);
  });

  it('version 5 → 6, not connected: no triggers', () => {
    const { db } = databaseAtVersion(5);
    migrate(db);
    expect(syncTriggers(db)).toEqual([]);
  });

  it('a file already at the latest version is not written by migrating again', () => {
    const { db, dir } = databaseAtVersion(LATEST);
    db.close();
    const before = folderSnapshot(dir);
    const reopened = openVaultDatabase(join(dir, 'keyward.vault'), { dataKey, create: false });
    expect(migrate(reopened)).toBe(LATEST);
    reopened.close();
    expect(folderSnapshot(dir)).toEqual(before);
  });
});

describe('a file from a newer Keyward', () => {
  function newerFile() {
    const made = databaseAtVersion(LATEST);
    made.db.pragma(`user_version = ${LATEST + 1}`);
    return made;
  }

  it('migrate refuses with INVALID_STATE and changes neither the version nor the schema', () => {
    const { db } = newerFile();
    const schema = schemaOf(db);
    expect(codeOf(() => migrate(db))).toBe('INVALID_STATE');
    expect(userVersion(db)).toBe(LATEST + 1);
    expect(schemaOf(db)).toEqual(schema);
  });

  it('openVaultDatabase refuses with INVALID_STATE and leaves the file byte for byte as it was', () => {
    const { db, dir, path } = newerFile();
    db.close();
    const before = folderSnapshot(dir);
    expect(codeOf(() => openVaultDatabase(path, { dataKey, create: false }).close())).toBe('INVALID_STATE');
    expect(folderSnapshot(dir)).toEqual(before);
  });
});

describe('a migration that fails part-way', () => {
  /** Does real work first (a table, rows, a column on an existing table), then fails. */
  const failsMidway: Migration = {
    version: LATEST + 1,
    name: 'test: fails after changing things',
    up(db) {
      db.exec(`
        CREATE TABLE half_done (x INTEGER) STRICT;
        INSERT INTO half_done VALUES (1), (2);
        ALTER TABLE meta ADD COLUMN half_done TEXT;
        UPDATE meta SET value = 'overwritten by a failed migration';
      `);
      throw new Error('test: migration failed');
    },
  };
  /** Fails inside its own SQL: the first statement succeeds, the second is invalid. */
  const badSql: Migration = {
    version: LATEST + 1,
    name: 'test: invalid SQL after a valid statement',
    up(db) {
      db.exec('CREATE TABLE created_before_error (x INTEGER) STRICT; CREATE TABLE broken (;');
    },
  };

  const cases = Array.from({ length: LATEST + 1 }, (_, version) => version).flatMap((version) => [
    { version, failing: failsMidway },
    { version, failing: badSql },
  ]);

  it.each(cases)(
    'from version $version, "$failing.name": version, schema and rows unchanged',
    ({ version, failing }) => {
      const { db, path } = databaseAtVersion(version);
      if (version > 0) {
        db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('kept', 'original value');
      }
      const schema = schemaOf(db);
      const rows = version > 0 ? db.prepare('SELECT * FROM meta').all() : [];

      expect(() => migrate(db, [...MIGRATIONS, failing])).toThrow();
      expect(userVersion(db)).toBe(version);
      expect(schemaOf(db)).toEqual(schema);
      if (version > 0) {
        expect(db.prepare('SELECT * FROM meta').all()).toEqual(rows);
      }
      expect(db.inTransaction).toBe(false);

      // The same holds on disk, and the real migrations still apply afterwards.
      db.close();
      const reopened = openVaultDatabase(path, { dataKey, create: false, skipMigrations: true });
      try {
        expect(userVersion(reopened)).toBe(version);
        expect(schemaOf(reopened)).toEqual(schema);
        expect(migrate(reopened)).toBe(LATEST);
        expect(schemaOf(reopened)).toEqual(latestSchema());
      } finally {
        reopened.close();
      }
    },
  );
});
