// docs/domain-rules.md and docs/targets.md: the vault file is encrypted whole (pages, WAL, rollback journal) and no key
// material is ever on disk in clear. These tests write distinctive markers through the real engine
// and grep the raw bytes of every file in the vault's folder while the WAL and a journal are live.
// A control test runs the same scan over an unencrypted database to prove the scan finds plaintext.
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveKeyFromPassword } from '../../../electron/vault/crypto/kdf.ts';
import { unwrapKey } from '../../../electron/vault/crypto/key-wrap.ts';
import { openVaultDatabase } from '../../../electron/vault/db/open-database.ts';
import type { SqliteDatabase } from '../../../electron/vault/db/sqlite.ts';
import { SqliteDatabaseConstructor } from '../../../electron/vault/db/sqlite.ts';
import { passwordWrapContext, readVaultHeader } from '../../../electron/vault/vault-header.ts';
import { codeOf, codeOfAsync, folderSnapshot, sha256File } from '../../support/checks.ts';
import { makeTempDir, makeTestVault } from '../../support/temp-vault.ts';

const PASSWORD = 'Plaintext-Canary-Master-Password-7f3a';
const OTHER_PASSWORD = 'a different vault entirely 0b9e';
const MARKER = 'KWMARKER';
const ROWS = 400;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    cleanup();
  }
});

function setup() {
  const made = makeTestVault();
  cleanups.push(() => {
    made.vault.lock();
    made.cleanup();
  });
  return made;
}

function tempDir(): string {
  const { dir, cleanup } = makeTempDir();
  cleanups.push(cleanup);
  return dir;
}

/** The data key, unwrapped the way the engine does it, so the scan can look for it. */
async function dataKeyOf(headerPath: string, password: string): Promise<Buffer> {
  const header = readVaultHeader(headerPath);
  const kek = await deriveKeyFromPassword(password, header.kdf);
  const dataKey = unwrapKey(header.passwordWrap, kek, passwordWrapContext(header));
  if (dataKey === null) {
    throw new Error('test setup: the password does not unwrap the data key');
  }
  return dataKey;
}

/** The byte strings that must never appear in any file of the vault. */
function forbiddenNeedles(dataKey: Buffer, password: string): { label: string; bytes: Buffer }[] {
  return [
    { label: 'marker', bytes: Buffer.from(MARKER, 'utf8') },
    { label: 'marker (UTF-16)', bytes: Buffer.from(MARKER, 'utf16le') },
    { label: 'master password', bytes: Buffer.from(password, 'utf8') },
    { label: 'master password (UTF-16)', bytes: Buffer.from(password, 'utf16le') },
    { label: 'data key (raw)', bytes: dataKey },
    { label: 'data key (hex)', bytes: Buffer.from(dataKey.toString('hex'), 'utf8') },
    { label: 'data key (HEX)', bytes: Buffer.from(dataKey.toString('hex').toUpperCase(), 'utf8') },
    { label: 'data key (base64)', bytes: Buffer.from(dataKey.toString('base64'), 'utf8') },
    { label: 'data key (base64url)', bytes: Buffer.from(dataKey.toString('base64url'), 'utf8') },
  ];
}

/** "file: what" for every forbidden needle found in any file of `dir`. */
function plaintextHits(dir: string, needles: { label: string; bytes: Buffer }[]): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const bytes = readFileSync(join(dir, name));
    for (const needle of needles) {
      if (bytes.includes(needle.bytes)) {
        hits.push(`${name}: ${needle.label}`);
      }
    }
  }
  return hits;
}

/** A marker row's body: long enough that 400 rows fill dozens of pages and overflow some. */
function markerBody(i: number, tag = 'row'): string {
  return `${MARKER}-${tag}-${i}-${'sk_live_'.repeat(8 + (i % 700))}`;
}

/** Writes marker rows (indexed, so index pages carry them too) and one large transaction. */
function writeMarkers(db: SqliteDatabase): void {
  db.exec(`
    CREATE TABLE canary (id INTEGER PRIMARY KEY, label TEXT NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE INDEX canary_by_label ON canary (label);
  `);
  const insert = db.prepare('INSERT INTO canary (label, body) VALUES (?, ?)');
  for (let i = 0; i < ROWS; i++) {
    // One transaction per row: hundreds of commits, each appending frames to the WAL.
    insert.run(`${MARKER}-label-${i}`, markerBody(i));
  }
  // One large transaction (≈ 1.2 MiB in a single row plus a few hundred more rows).
  db.transaction(() => {
    insert.run(`${MARKER}-label-big`, `${MARKER}-big-`.repeat(100_000));
    for (let i = 0; i < 200; i++) {
      insert.run(`${MARKER}-label-tx-${i}`, markerBody(i, 'tx'));
    }
  })();
}

function walPath(databasePath: string): string {
  return `${databasePath}-wal`;
}

describe('no plaintext on disk: the database, its WAL and the header', () => {
  it('holds no marker, no master password and no data key, while the WAL is live and after locking', async () => {
    const { vault, path, reopen } = setup();
    await vault.create(PASSWORD);
    const dir = join(path, '..');
    writeMarkers(vault.database());

    // The connection is still open and nothing checkpointed explicitly: the WAL holds recent frames.
    expect(existsSync(walPath(path))).toBe(true);
    expect(statSync(walPath(path)).size).toBeGreaterThan(1024 * 1024);
    expect(statSync(path).size).toBeGreaterThan(100 * 1024);

    const dataKey = await dataKeyOf(vault.files.header, PASSWORD);
    const needles = forbiddenNeedles(dataKey, PASSWORD);
    expect(plaintextHits(dir, needles)).toEqual([]);

    // Locking checkpoints into the main file; scan the result too.
    vault.lock();
    expect(plaintextHits(dir, needles)).toEqual([]);

    // The markers really were written (the scan above was not vacuous).
    const again = reopen();
    await again.unlockWithPassword(PASSWORD);
    const count = again
      .database()
      .prepare(`SELECT count(*) AS n FROM canary WHERE body LIKE 'KWMARKER-%'`)
      .get();
    expect(count).toEqual({ n: ROWS + 201 });
    again.lock();
    expect(plaintextHits(dir, needles)).toEqual([]);
  });

  it('control: the same scan finds the markers in an unencrypted database and its WAL', () => {
    const dir = tempDir();
    const path = join(dir, 'plain.sqlite');
    const db = openVaultDatabase(path, { dataKey: null, create: true });
    try {
      writeMarkers(db);
      expect(statSync(walPath(path)).size).toBeGreaterThan(1024 * 1024);
      const hits = plaintextHits(dir, forbiddenNeedles(randomBytes(32), PASSWORD));
      expect(hits).toContain('plain.sqlite: marker');
      expect(hits).toContain('plain.sqlite-wal: marker');
    } finally {
      db.close();
    }
  });
});

describe('no plaintext on disk: the rollback journal', () => {
  /**
   * Opens a copy of the vault's database through openVaultDatabase with the real data key, switches
   * it to a rollback journal, and rewrites every marker row in a transaction with a tiny page cache
   * so SQLite spills changed pages into the database file mid-transaction. The journal then holds the
   * original pages (with the markers). Returns the live copy, its connection and its journal path.
   */
  function midTransactionJournal(sourcePath: string, dataKey: Buffer | null) {
    const dir = tempDir();
    const path = join(dir, 'journaled.vault');
    copyFileSync(sourcePath, path);
    const db = openVaultDatabase(path, { dataKey, create: false });
    expect(db.pragma('journal_mode = DELETE', { simple: true })).toBe('delete');
    db.pragma('cache_size = 4');
    const beforeTransaction = sha256File(path);
    db.exec('BEGIN IMMEDIATE');
    db.prepare(
      `UPDATE canary SET body = 'KWMARKER-rewritten-' || id, label = 'KWMARKER-relabel-' || id`,
    ).run();
    const journal = `${path}-journal`;
    expect(existsSync(journal)).toBe(true);
    expect(statSync(journal).size).toBeGreaterThan(200 * 1024);
    return { dir, path, db, journal, beforeTransaction };
  }

  async function vaultWithMarkers(): Promise<{ path: string; dataKey: Buffer }> {
    const { vault, path } = setup();
    await vault.create(PASSWORD);
    writeMarkers(vault.database());
    const dataKey = await dataKeyOf(vault.files.header, PASSWORD);
    vault.lock();
    return { path, dataKey };
  }

  it('a journal written mid-transaction holds no marker and no key material', async () => {
    const { path, dataKey } = await vaultWithMarkers();
    const live = midTransactionJournal(path, dataKey);
    try {
      expect(plaintextHits(live.dir, forbiddenNeedles(dataKey, PASSWORD))).toEqual([]);
    } finally {
      live.db.exec('ROLLBACK');
      live.db.close();
    }
  });

  it('control: the same journal of an unencrypted database holds the markers', () => {
    const dir = tempDir();
    const source = join(dir, 'plain.sqlite');
    const plain = openVaultDatabase(source, { dataKey: null, create: true });
    writeMarkers(plain);
    plain.close();
    const live = midTransactionJournal(source, null);
    try {
      expect(plaintextHits(live.dir, forbiddenNeedles(randomBytes(32), PASSWORD))).toContain(
        'journaled.vault-journal: marker',
      );
    } finally {
      live.db.exec('ROLLBACK');
      live.db.close();
    }
  });

  it('a hot journal left by a crash is encrypted, survives a wrong key untouched, and rolls back with the right one', async () => {
    const { path, dataKey } = await vaultWithMarkers();
    const live = midTransactionJournal(path, dataKey);
    // What a kill -9 right now would leave on disk: the half-written database and its hot journal.
    const crashed = join(tempDir(), 'crashed.vault');
    copyFileSync(live.path, crashed);
    copyFileSync(live.journal, `${crashed}-journal`);
    live.db.exec('ROLLBACK');
    live.db.close();
    expect(sha256File(crashed)).not.toBe(live.beforeTransaction); // changed pages were spilled mid-transaction
    const crashedDir = join(crashed, '..');
    expect(plaintextHits(crashedDir, forbiddenNeedles(dataKey, PASSWORD))).toEqual([]);

    const before = folderSnapshot(crashedDir);
    expect(
      codeOf(() => openVaultDatabase(crashed, { dataKey: randomBytes(32), create: false }).close()),
    ).toBe('VAULT_CORRUPT');
    expect(folderSnapshot(crashedDir)).toEqual(before);

    const db = openVaultDatabase(crashed, { dataKey, create: false });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(
        db.prepare(`SELECT count(*) AS n FROM canary WHERE body LIKE 'KWMARKER-rewritten-%'`).get(),
      ).toEqual({
        n: 0,
      });
      expect(db.prepare('SELECT body FROM canary WHERE id = 7').get()).toEqual({ body: markerBody(6) });
    } finally {
      db.close();
    }
    expect(existsSync(`${crashed}-journal`)).toBe(false);
  });
});

describe('wrong secrets leave the files untouched', () => {
  it('a wrong master password is WRONG_PASSWORD and writes nothing to the database or header', async () => {
    const { vault, path, reopen } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    const before = [sha256File(path), sha256File(vault.files.header)];
    expect(await codeOfAsync(reopen().unlockWithPassword(OTHER_PASSWORD))).toBe('WRONG_PASSWORD');
    expect([sha256File(path), sha256File(vault.files.header)]).toEqual(before);
    await reopen().unlockWithPassword(PASSWORD);
  });

  it('a wrong raw data key is VAULT_CORRUPT and leaves the file byte for byte as it was', async () => {
    const { vault, path } = setup();
    await vault.create(PASSWORD);
    writeMarkers(vault.database());
    const dataKey = await dataKeyOf(vault.files.header, PASSWORD);
    vault.lock();
    const dir = join(path, '..');
    const before = folderSnapshot(dir);
    const wrongKey = Buffer.from(dataKey);
    wrongKey[31] = (wrongKey[31] ?? 0) ^ 1; // one bit away from the real key
    for (const key of [wrongKey, randomBytes(32)]) {
      expect(codeOf(() => openVaultDatabase(path, { dataKey: key, create: false }).close())).toBe(
        'VAULT_CORRUPT',
      );
      expect(folderSnapshot(dir)).toEqual(before);
    }
    openVaultDatabase(path, { dataKey, create: false }).close();
  });

  it('an empty file is not a vault database: VAULT_CORRUPT, and it stays empty', () => {
    const path = join(tempDir(), 'keyward.vault');
    writeFileSync(path, '');
    expect(codeOf(() => openVaultDatabase(path, { dataKey: randomBytes(32), create: false }).close())).toBe(
      'VAULT_CORRUPT',
    );
    expect(statSync(path).size).toBe(0);
  });

  it('a wrong raw key on a database with a WAL left by a crash changes neither the database nor the WAL', async () => {
    const { vault, path } = setup();
    await vault.create(PASSWORD);
    vault.database().pragma('wal_checkpoint(TRUNCATE)');
    writeMarkers(vault.database());
    const dataKey = await dataKeyOf(vault.files.header, PASSWORD);
    // Copy the files as a kill -9 would leave them: committed transactions only in the WAL.
    const crashed = join(tempDir(), 'crashed.vault');
    for (const suffix of ['', '-wal', '-shm']) {
      copyFileSync(`${path}${suffix}`, `${crashed}${suffix}`);
    }
    vault.lock();
    const before = [sha256File(crashed), sha256File(walPath(crashed))];
    expect(
      codeOf(() => openVaultDatabase(crashed, { dataKey: randomBytes(32), create: false }).close()),
    ).toBe('VAULT_CORRUPT');
    expect([sha256File(crashed), sha256File(walPath(crashed))]).toEqual(before);

    const db = openVaultDatabase(crashed, { dataKey, create: false });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM canary').get()).toEqual({ n: ROWS + 201 });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});

describe('foreign and mismatched files are refused with a typed error and left untouched', () => {
  /** A folder holding `database` at keyward.vault beside a genuine header copied from vault A. */
  async function withHeaderOfAnotherVault(writeDatabase: (path: string) => void) {
    const a = setup();
    await a.vault.create(PASSWORD);
    a.vault.lock();
    const target = makeTestVault();
    cleanups.push(target.cleanup);
    copyFileSync(a.vault.files.header, target.vault.files.header);
    writeDatabase(target.path);
    return target;
  }

  const foreignFiles: [string, (path: string) => void][] = [
    [
      'a plain unencrypted SQLite database',
      (path) => {
        const db = new SqliteDatabaseConstructor(path);
        db.exec(
          `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('vault_id', 'x')`,
        );
        db.close();
      },
    ],
    ['64 KiB of random bytes', (path) => writeFileSync(path, randomBytes(64 * 1024))],
    ['an empty file', (path) => writeFileSync(path, '')],
  ];

  it.each(foreignFiles)(
    '%s at the vault path: VAULT_CORRUPT, and the file is unchanged',
    async (_, write) => {
      const target = await withHeaderOfAnotherVault(write);
      const dir = join(target.path, '..');
      const before = folderSnapshot(dir);
      expect(await codeOfAsync(target.vault.unlockWithPassword(PASSWORD))).toBe('VAULT_CORRUPT');
      expect(target.vault.isUnlocked).toBe(false);
      expect(folderSnapshot(dir)).toEqual(before);
    },
  );

  it('a header that is not a Keyward header: VAULT_CORRUPT, both files unchanged', async () => {
    const { vault, path, reopen } = setup();
    await vault.create(PASSWORD);
    vault.lock();
    writeFileSync(vault.files.header, JSON.stringify({ format: 'someone-else', key: 'c2VjcmV0' }));
    const dir = join(path, '..');
    const before = folderSnapshot(dir);
    expect(await codeOfAsync(reopen().unlockWithPassword(PASSWORD))).toBe('VAULT_CORRUPT');
    expect(folderSnapshot(dir)).toEqual(before);
  });

  it('the header of vault A beside the database of vault B: VAULT_CORRUPT, both files unchanged', async () => {
    const a = setup();
    const b = setup();
    await a.vault.create(PASSWORD);
    await b.vault.create(PASSWORD); // same password: only the files tell the vaults apart
    a.vault.lock();
    b.vault.lock();
    copyFileSync(a.vault.files.header, b.vault.files.header);
    const dir = join(b.path, '..');
    const before = folderSnapshot(dir);
    expect(await codeOfAsync(b.reopen().unlockWithPassword(PASSWORD))).toBe('VAULT_CORRUPT');
    expect(folderSnapshot(dir)).toEqual(before);
  });

  it("a database that decrypts with A's key but names another vault: VAULT_CORRUPT, files unchanged", async () => {
    const a = setup();
    await a.vault.create(PASSWORD);
    const dataKey = await dataKeyOf(a.vault.files.header, PASSWORD);
    a.vault.lock();
    // A restored or swapped file that happens to share the key but carries another vault's identity.
    const dir = tempDir();
    const path = join(dir, 'keyward.vault');
    copyFileSync(a.path, path);
    copyFileSync(a.vault.files.header, `${path}.header`);
    const db = openVaultDatabase(path, { dataKey, create: false });
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'vault_id'`).run(randomUUID());
    db.close();
    const before = folderSnapshot(dir);
    const target = makeTestVault({ path });
    cleanups.push(target.cleanup);
    expect(await codeOfAsync(target.vault.unlockWithPassword(PASSWORD))).toBe('VAULT_CORRUPT');
    expect(folderSnapshot(dir)).toEqual(before);
  });
});
