// docs/targets.md: encrypted vault operations (create, list, filter, get) ≤ 1.25 × the same code on an
// unencrypted file. Both files are opened by openVaultDatabase (same pragmas: WAL, synchronous FULL;
// `dataKey: null` is its unencrypted baseline). `npm run bench:vault-ops`; figures in BENCHMARKS.md.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openVaultDatabase } from '../../electron/vault/db/open-database.ts';
import type { SqliteDatabase } from '../../electron/vault/db/sqlite.ts';
import {
  benchTempDir,
  describeTimings,
  envCount,
  median,
  ms,
  pair,
  printHeader,
  reportResult,
} from './bench-kit.ts';

const TARGET_RATIO = 1.25;
const ROUNDS = envCount('KEYWARD_BENCH_ROUNDS', 21);
const WARMUP = 2;
const ROWS = 10_000;
const FILTER_RUNS = 100;
const PAGE_SIZE = 100;

/** The timed operations; their total decides the RESULT line. */
const OPS = ['create', 'get', 'filter', 'list'] as const;
type Op = (typeof OPS)[number];
type Read = Exclude<Op, 'create'>;
const READ_OPS = ['get', 'filter', 'list'] as const satisfies readonly Read[];
/** Each read once more on a freshly reopened connection (empty page cache), and the reopen itself. */
type Metric = Op | 'cold open' | `cold ${Read}`;

const OP_LABELS: Record<Op, string> = {
  create: `insert ${ROWS} rows, one transaction`,
  get: `${ROWS} point reads by primary key`,
  filter: `LIKE '%term%' filter × ${FILTER_RUNS}`,
  list: `ordered pages of ${PAGE_SIZE} × ${ROWS / PAGE_SIZE}`,
};

// A bench-only table shaped like the vault's api_keys row with its integration's name beside it; kept
// separate from the real schema so the figures stay comparable while migrations change.
const LARGE_ROWS = 100_000;
const SCAN_RUNS = 15;
const SPLIT_RUNS = 9;
const SCHEMA = `
  CREATE TABLE bench_keys (
    id TEXT PRIMARY KEY NOT NULL,
    integration_id TEXT NOT NULL,
    integration_name TEXT NOT NULL,
    platform TEXT NOT NULL,
    prefix TEXT NOT NULL,
    material TEXT NOT NULL,
    masked_key TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    grace_ends_at INTEGER,
    last_used_at INTEGER
  ) STRICT;
  CREATE INDEX bench_keys_created_at ON bench_keys (created_at);
  CREATE INDEX bench_keys_integration ON bench_keys (integration_id);
`;
const INSERT = `INSERT INTO bench_keys VALUES (@id, @integrationId, @integrationName, @platform, @prefix,
  @material, @maskedKey, @keyHash, @status, @createdAt, @expiresAt, @graceEndsAt, @lastUsedAt)`;
const GET = `SELECT * FROM bench_keys WHERE id = ?`;
const FILTER = `SELECT id, integration_name, masked_key, status, expires_at FROM bench_keys
  WHERE integration_name LIKE ? ORDER BY created_at DESC LIMIT ${PAGE_SIZE}`;
const LIST = `SELECT id, integration_name, platform, masked_key, status, created_at, expires_at,
  grace_ends_at, last_used_at FROM bench_keys ORDER BY created_at DESC LIMIT ${PAGE_SIZE} OFFSET ?`;
const SCAN = `SELECT count(*) FROM bench_keys WHERE integration_name LIKE '%zzz%'`;
// Common, rare and absent terms: some filters stop after a page, others scan every row.
const FILTER_TERMS = ['pay', 'gateway', 'eu-', 'sync', '-07', 'crm-api', 'partner-app-us-1', 'zzz'];

interface KeyRow {
  id: string;
  integrationId: string;
  integrationName: string;
  platform: string;
  prefix: string;
  material: string;
  maskedKey: string;
  keyHash: string;
  status: string;
  createdAt: number;
  expiresAt: number | null;
  graceEndsAt: number | null;
  lastUsedAt: number | null;
}

/** Deterministic data, identical for both files (mulberry32). */
function makeRows(count: number): KeyRow[] {
  let seed = 0x6b657977;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hex = (length: number): string =>
    Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
  const systems = ['payments', 'billing', 'search', 'auth', 'mobile', 'partner', 'analytics', 'crm'];
  const kinds = ['gateway', 'service', 'app', 'worker', 'api', 'sync'];
  const integrations = Array.from({ length: 500 }, (_, i) => ({
    id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    name: `${pick(systems)}-${pick(kinds)}-${pick(['eu', 'us', 'ap'])}-${String(i % 100).padStart(2, '0')}`,
  }));
  const start = Date.UTC(2025, 0, 1);
  const day = 86_400_000;
  return Array.from({ length: count }, (_, i) => {
    const integration = pick(integrations);
    const prefix = `kw_live_${hex(4)}`;
    const material = `${prefix}_${hex(40)}`;
    const createdAt = start + i * 3_600_000 + Math.floor(random() * 3_600_000);
    const status = pick(['active', 'active', 'active', 'grace', 'revoked', 'expired']);
    return {
      id: `key_${hex(26)}`,
      integrationId: integration.id,
      integrationName: integration.name,
      platform: pick(['server', 'web', 'ios', 'android']),
      prefix,
      material,
      maskedKey: `${prefix}••••••••${material.slice(-4)}`,
      keyHash: hex(64),
      status,
      createdAt,
      expiresAt: random() < 0.2 ? null : createdAt + 90 * day,
      graceEndsAt: status === 'grace' ? createdAt + 97 * day : null,
      lastUsedAt: random() < 0.3 ? null : createdAt + Math.floor(random() * 30 * day),
    };
  });
}

const rows = makeRows(ROWS);
// Point reads in an order unrelated to both the primary key and insertion (sorted by the random hash).
const lookupOrder = [...rows].sort((a, b) => (a.keyHash < b.keyHash ? -1 : 1)).map((row) => row.id);

/** The read operations, the same for the warm and the cold pass. Each returns the rows it read. */
const READS: Record<Read, (db: SqliteDatabase) => number> = {
  get(db) {
    const statement = db.prepare(GET);
    let found = 0;
    for (const id of lookupOrder) {
      found += statement.get(id) === undefined ? 0 : 1;
    }
    return found;
  },
  filter(db) {
    const statement = db.prepare(FILTER);
    let found = 0;
    for (let i = 0; i < FILTER_RUNS; i++) {
      found += statement.all(`%${FILTER_TERMS[i % FILTER_TERMS.length]}%`).length;
    }
    return found;
  },
  list(db) {
    const statement = db.prepare(LIST);
    let found = 0;
    for (let page = 0; page < ROWS / PAGE_SIZE; page++) {
      found += statement.all(page * PAGE_SIZE).length;
    }
    return found;
  },
};

printHeader('vault-ops: encrypted (ChaCha20-Poly1305) vs unencrypted SQLite, same code', {
  sqlite: (() => {
    const db = openVaultDatabase(':memory:', { dataKey: null, create: true });
    const versions = db.prepare('SELECT sqlite_version() AS sqlite, sqlite3mc_version() AS mc').get() as {
      sqlite: string;
      mc: string;
    };
    db.close();
    return `${versions.sqlite}, ${versions.mc}`;
  })(),
  data: `${ROWS} rows in a keys-shaped table, 2 secondary indexes`,
  rounds: `${ROUNDS} measured + ${WARMUP} warm-up, fresh files each, interleaved per operation`,
});

const dir = benchTempDir('keyward-bench-ops-');
let fileNumber = 0;

/** One fresh database file for one round, opened through openVaultDatabase like the vault's own. */
class BenchFile {
  private readonly path: string;
  private readonly dataKey: Buffer | null;
  private db: SqliteDatabase;
  /** Rows the reads returned, to check both files answered the same. */
  rowsRead = 0;

  constructor(encrypted: boolean) {
    this.path = join(dir, `round-${fileNumber++}-${encrypted ? 'encrypted' : 'plain'}.db`);
    this.dataKey = encrypted ? randomBytes(32) : null;
    this.db = openVaultDatabase(this.path, { dataKey: this.dataKey, create: true });
    this.db.exec(SCHEMA);
  }

  /** Times the insert of every row in one transaction. */
  create(data: readonly KeyRow[] = rows): number {
    const insert = this.db.prepare(INSERT);
    const start = performance.now();
    this.db.transaction(() => {
      for (const row of data) {
        insert.run(row);
      }
    })();
    return performance.now() - start;
  }

  /**
   * The insert with automatic checkpoints off, then the checkpoint (WAL frames copied into the
   * database file) on its own: `[insert, checkpoint]` in ms.
   */
  createThenCheckpoint(): [number, number] {
    this.db.pragma('wal_autocheckpoint = 0');
    const insert = this.create();
    const start = performance.now();
    this.db.pragma('wal_checkpoint(PASSIVE)');
    return [insert, performance.now() - start];
  }

  /** Times one read operation. */
  read(op: Read): number {
    const start = performance.now();
    this.rowsRead += READS[op](this.db);
    return performance.now() - start;
  }

  /**
   * Closes (SQLite checkpoints the WAL into the file) and times the reopen: afterwards every page a
   * read needs comes from the file and, for the encrypted file, is decrypted again.
   */
  reopen(): number {
    this.db.close();
    const start = performance.now();
    this.db = openVaultDatabase(this.path, { dataKey: this.dataKey, create: false });
    return performance.now() - start;
  }

  /** Times one full-table scan (a filter term that matches nothing). */
  scan(): number {
    const statement = this.db.prepare(SCAN);
    const start = performance.now();
    statement.get();
    return performance.now() - start;
  }

  /** Sets this connection's page cache (KiB). */
  setCacheKiB(kib: number): void {
    this.db.pragma(`cache_size = -${kib}`);
  }

  /** The file's size in pages. */
  pageCount(): number {
    return this.db.pragma('page_count', { simple: true }) as number;
  }

  /** Whether the file on disk starts with SQLite's plaintext header (so is not encrypted). */
  isPlaintextOnDisk(): boolean {
    return readFileSync(this.path).subarray(0, 16).toString('latin1') === 'SQLite format 3\0';
  }

  dispose(): void {
    this.db.close();
    this.dataKey?.fill(0);
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(`${this.path}${suffix}`, { force: true });
    }
  }
}

// Interleaved per operation, not just per round: each step runs on the encrypted and on the plain
// file back to back (order flipped every round), so a burst of machine noise hits both sides.
const ALL_METRICS: readonly Metric[] = [...OPS, 'cold open', ...READ_OPS.map((op) => `cold ${op}` as const)];
const samples = Object.fromEntries(
  ALL_METRICS.map((metric) => [metric, { candidate: [] as number[], baseline: [] as number[] }]),
) as Record<Metric, { candidate: number[]; baseline: number[] }>;

let pageCounts = { encrypted: 0, plain: 0 };
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const encrypted = new BenchFile(true);
  const plain = new BenchFile(false);
  const step = async (metric: Metric, action: (file: BenchFile) => number): Promise<void> => {
    const result = await pair(
      round,
      () => action(encrypted),
      () => action(plain),
    );
    if (round >= WARMUP) {
      samples[metric].candidate.push(result.candidate);
      samples[metric].baseline.push(result.baseline);
    }
  };
  await step('create', (file) => file.create());
  for (const op of READ_OPS) {
    await step(op, (file) => file.read(op));
  }
  await step('cold open', (file) => file.reopen());
  for (const op of READ_OPS) {
    encrypted.reopen();
    plain.reopen();
    await step(`cold ${op}`, (file) => file.read(op));
  }
  if (round === 0) {
    if (encrypted.isPlaintextOnDisk() || !plain.isPlaintextOnDisk()) {
      throw new Error('bench: the "encrypted" file is not encrypted, or the plain one is');
    }
    pageCounts = { encrypted: encrypted.pageCount(), plain: plain.pageCount() };
  }
  if (encrypted.rowsRead !== plain.rowsRead) {
    throw new Error('bench: the encrypted and the unencrypted file returned different rows');
  }
  encrypted.dispose();
  plain.dispose();
}

// The insert split (informational): its WAL outgrows wal_autocheckpoint (1000 pages), so the timed
// commit includes a checkpoint; here the two are timed apart.
const splitInsert = { candidate: [] as number[], baseline: [] as number[] };
const splitCheckpoint = { candidate: [] as number[], baseline: [] as number[] };
for (let round = 0; round < WARMUP + SPLIT_RUNS; round++) {
  const files = { candidate: new BenchFile(true), baseline: new BenchFile(false) };
  const result = await pair(
    round,
    () => files.candidate.createThenCheckpoint(),
    () => files.baseline.createThenCheckpoint(),
  );
  if (round >= WARMUP) {
    for (const side of ['candidate', 'baseline'] as const) {
      splitInsert[side].push(result[side][0]);
      splitCheckpoint[side].push(result[side][1]);
    }
  }
  files.candidate.dispose();
  files.baseline.dispose();
}

// Beyond the page cache (informational): SQLite's default cache is 16 MiB; a vault larger than that
// re-reads, and so re-decrypts, every page a full scan touches, on every scan.
const largeRows = makeRows(LARGE_ROWS);
const large = { candidate: new BenchFile(true), baseline: new BenchFile(false) };
large.candidate.create(largeRows);
large.baseline.create(largeRows);
const largePages = large.candidate.pageCount();
const largeScans: { cacheKiB: number; candidate: number[]; baseline: number[] }[] = [];
for (const cacheKiB of [16_000, Math.ceil((largePages * 4096 * 1.25) / 1024)]) {
  large.candidate.setCacheKiB(cacheKiB);
  large.baseline.setCacheKiB(cacheKiB);
  const scans = { cacheKiB, candidate: [] as number[], baseline: [] as number[] };
  for (let round = 0; round < WARMUP + SCAN_RUNS; round++) {
    const result = await pair(
      round,
      () => large.candidate.scan(),
      () => large.baseline.scan(),
    );
    if (round >= WARMUP) {
      scans.candidate.push(result.candidate);
      scans.baseline.push(result.baseline);
    }
  }
  largeScans.push(scans);
}
large.candidate.dispose();
large.baseline.dispose();

/** Per-round sums of some metrics. */
function sums(metrics: readonly Metric[], side: 'candidate' | 'baseline'): number[] {
  return samples[metrics[0] as Metric][side].map((_, i) =>
    metrics.reduce((sum, metric) => sum + (samples[metric][side][i] as number), 0),
  );
}

function printRow(label: string, encrypted: number[], plain: number[]): void {
  const ratio = median(encrypted) / median(plain);
  console.log(
    `${label.padEnd(44)} ${ms(median(encrypted)).padStart(9)} ${ms(median(plain)).padStart(9)}  ${ratio.toFixed(2)}`,
  );
}

const COLD_READS = READ_OPS.map((op) => `cold ${op}` as const);
console.log(
  `${'operation (median per round)'.padEnd(44)} ${'encrypted'.padStart(9)} ${'plain'.padStart(9)}  ratio`,
);
for (const op of OPS) {
  printRow(OP_LABELS[op], samples[op].candidate, samples[op].baseline);
}
const total = { candidate: sums(OPS, 'candidate'), baseline: sums(OPS, 'baseline') };
printRow('TOTAL (standard operations)', total.candidate, total.baseline);
console.log('');
console.log('cold cache: connection closed and reopened before each read (not in the RESULT)');
printRow(
  'reopen (open, key, pragmas, migration check)',
  samples['cold open'].candidate,
  samples['cold open'].baseline,
);
for (const op of READ_OPS) {
  printRow(`cold ${OP_LABELS[op]}`, samples[`cold ${op}`].candidate, samples[`cold ${op}`].baseline);
}
printRow('TOTAL cold reads (without reopen)', sums(COLD_READS, 'candidate'), sums(COLD_READS, 'baseline'));
console.log('');
console.log(`insert split: automatic checkpoint off, then one checkpoint (not in the RESULT)`);
printRow(`insert ${ROWS} rows, no checkpoint`, splitInsert.candidate, splitInsert.baseline);
printRow('checkpoint of that WAL into the file', splitCheckpoint.candidate, splitCheckpoint.baseline);
console.log('');
console.log(`full scan of ${LARGE_ROWS} rows (${largePages} pages), × ${SCAN_RUNS} (not in the RESULT)`);
for (const scans of largeScans) {
  printRow(`page cache ${(scans.cacheKiB / 1024).toFixed(1)} MiB`, scans.candidate, scans.baseline);
}
console.log('');
console.log(`file size: ${pageCounts.encrypted} pages encrypted, ${pageCounts.plain} plain (4 KiB pages)`);
console.log(`encrypted total  ${describeTimings(total.candidate)}`);
console.log(`plain total      ${describeTimings(total.baseline)}`);
console.log('');

reportResult({
  name: 'vault-ops',
  ratio: median(total.candidate) / median(total.baseline),
  op: '<=',
  target: TARGET_RATIO,
});
