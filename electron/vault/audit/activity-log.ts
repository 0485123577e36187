import { createHash } from 'node:crypto';
import type { ActivityDetails, ActivityEntry } from '../../../shared/domain/activity.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { containsKeyMaterial } from '../../../shared/keys/redact.ts';
import type { Clock } from '../clock.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import { readMeta, writeMeta } from '../db/meta.ts';

/** What happened, in a stable vocabulary scripts can filter on. */
export type ActivityAction =
  | 'vault.unlock'
  | 'vault.unlock-failed'
  | 'vault.password-changed'
  | 'vault.remember'
  | 'vault.forget'
  | 'integration.create'
  | 'integration.edit'
  | 'integration.enable'
  | 'integration.disable'
  | 'integration.delete'
  | 'integration.never-expire'
  | 'key.rotate'
  | 'key.auto-rotate'
  | 'key.revoke'
  | 'key.regenerate'
  | 'key.delete'
  | 'key.end-grace'
  | 'key.expire'
  | 'key.reveal'
  | 'key.copy'
  | 'key.test'
  | 'secret.mint'
  | 'secret.copy'
  | 'signing-key.rotate'
  | 'reauth'
  | 'totp.enroll'
  | 'totp.disable'
  | 'settings.change'
  | 'settings.weaken'
  | 'backup.create'
  | 'backup.restore'
  | 'vault.export'
  | 'vault.import'
  | 'log.export'
  | 'server.connect'
  | 'server.disconnect';

/** The outcome of the action. */
export type ActivityOutcome = 'success' | 'failure' | 'denied';

// An entry's shape is the domain's schema (shared/domain/activity.ts), also what IPC lists.
export type { ActivityDetails, ActivityEntry } from '../../../shared/domain/activity.ts';

/** What a caller records. */
export interface ActivityInput {
  actor: string;
  action: ActivityAction;
  outcome: ActivityOutcome;
  integrationId?: string | null;
  keyId?: string | null;
  details?: ActivityDetails;
}

/** The result of checking the chain. */
export type ChainVerdict =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; entries: number; firstBadSeq: number; reason: string };

/** The hash the first entry chains to. */
export const GENESIS_HASH = '0'.repeat(64);

interface Row {
  seq: number;
  at: number;
  actor: string;
  action: string;
  integration_id: string | null;
  key_id: string | null;
  outcome: string;
  details: string;
  prev_hash: string;
  hash: string;
}

function canonicalDetails(details: ActivityDetails): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(details).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  );
}

/** The SHA-256 that seals an entry: every field, and the previous entry's hash. */
export function entryHash(entry: Omit<ActivityEntry, 'hash'>): string {
  const sealed = JSON.stringify([
    entry.seq,
    entry.at,
    entry.actor,
    entry.action,
    entry.integrationId,
    entry.keyId,
    entry.outcome,
    canonicalDetails(entry.details),
    entry.prevHash,
  ]);
  return createHash('sha256').update(sealed).digest('hex');
}

function fromRow(row: Row): ActivityEntry {
  let details: ActivityDetails;
  try {
    details = JSON.parse(row.details) as ActivityDetails;
  } catch {
    // Shown as unreadable, not hidden; the hash chain still covers the raw text, so verify reports tampering.
    details = { unreadable: row.details };
  }
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    integrationId: row.integration_id,
    keyId: row.key_id,
    outcome: row.outcome,
    details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The append-only, hash-chained activity log. Each entry carries the SHA-256 of the previous one; the
 * newest entry's seq and hash are also kept in `meta`, so deleting entries from the end is detected
 * too. Appends join the caller's transaction, so an action and its entry commit together.
 * Never stores key material: details that look like a key or a token are refused.
 */
export class ActivityLog {
  private readonly db: SqliteDatabase;
  private readonly clock: Clock;
  private readonly lastStatement;
  private readonly insertStatement;

  constructor(db: SqliteDatabase, clock: Clock) {
    this.db = db;
    this.clock = clock;
    // Prepared once: an append runs in every change's transaction.
    this.lastStatement = db.prepare('SELECT seq, hash FROM activity_log ORDER BY seq DESC LIMIT 1');
    this.insertStatement = db.prepare(
      `INSERT INTO activity_log (seq, at, actor, action, integration_id, key_id, outcome, details, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Appends one entry and returns it. */
  append(input: ActivityInput): ActivityEntry {
    const details = input.details ?? {};
    for (const value of [...Object.values(details), input.actor]) {
      if (typeof value === 'string' && containsKeyMaterial(value)) {
        throw new KeywardError('INTERNAL', 'Refused to write key material into the activity log.');
      }
    }
    const write = this.db.transaction((): ActivityEntry => {
      const last = this.lastStatement.get() as { seq: number; hash: string } | undefined;
      const unsealed: Omit<ActivityEntry, 'hash'> = {
        seq: (last?.seq ?? 0) + 1,
        at: this.clock.now(),
        actor: input.actor,
        action: input.action,
        integrationId: input.integrationId ?? null,
        keyId: input.keyId ?? null,
        outcome: input.outcome,
        details,
        prevHash: last?.hash ?? GENESIS_HASH,
      };
      const entry: ActivityEntry = { ...unsealed, hash: entryHash(unsealed) };
      this.insertStatement.run(
        entry.seq,
        entry.at,
        entry.actor,
        entry.action,
        entry.integrationId,
        entry.keyId,
        entry.outcome,
        canonicalDetails(details),
        entry.prevHash,
        entry.hash,
      );
      writeMeta(this.db, 'log_head', `${entry.seq}:${entry.hash}`);
      return entry;
    });
    return write.immediate();
  }

  /** Entries, newest first, optionally filtered. */
  list(
    options: {
      limit?: number;
      beforeSeq?: number;
      action?: string;
      /** Leave out entries of this action (e.g. `vault.unlock`, most of a CLI user's log). */
      excludeAction?: string;
      integrationId?: string;
    } = {},
  ): ActivityEntry[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (options.beforeSeq !== undefined) {
      where.push('seq < ?');
      params.push(options.beforeSeq);
    }
    if (options.action !== undefined) {
      where.push('action = ?');
      params.push(options.action);
    }
    if (options.excludeAction !== undefined) {
      where.push('action <> ?');
      params.push(options.excludeAction);
    }
    if (options.integrationId !== undefined) {
      where.push('integration_id = ?');
      params.push(options.integrationId);
    }
    const sql = `SELECT * FROM activity_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    params.push(Math.max(1, Math.min(options.limit ?? 100, 100_000)));
    return (this.db.prepare(sql).all(...params) as Row[]).map(fromRow);
  }

  /** How many entries of `action` have a sequence number of at least `fromSeq`. */
  countAction(action: string, fromSeq = 0): number {
    return (
      this.db
        .prepare('SELECT count(*) AS n FROM activity_log WHERE action = ? AND seq >= ?')
        .get(action, fromSeq) as {
        n: number;
      }
    ).n;
  }

  /** Every entry, oldest first. */
  all(): ActivityEntry[] {
    return (this.db.prepare('SELECT * FROM activity_log ORDER BY seq').all() as Row[]).map(fromRow);
  }

  /**
   * Walks the chain from the first entry: sequence numbers must run 1, 2, 3 … with no gap, each entry
   * must chain to the previous hash and hash to its own, and the last must match the recorded head.
   * Names the first entry that fails.
   */
  verify(): ChainVerdict {
    // One read transaction: the entries and the recorded head come from the same snapshot, so an
    // entry another process appends meanwhile (the CLI and the app share a vault) is either in both
    // or in neither — never a head that names an entry the walk did not see ("deleted").
    return this.db.transaction(() => this.verifySnapshot()).deferred();
  }

  private verifySnapshot(): ChainVerdict {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let count = 0;
    for (const row of this.db
      .prepare('SELECT * FROM activity_log ORDER BY seq')
      .iterate() as IterableIterator<Row>) {
      const entry = fromRow(row);
      count++;
      if (entry.seq !== expectedSeq) {
        return {
          ok: false,
          entries: count,
          firstBadSeq: expectedSeq,
          reason: `entry ${expectedSeq} is missing (the next entry is ${entry.seq})`,
        };
      }
      if (entry.prevHash !== prevHash) {
        return {
          ok: false,
          entries: count,
          firstBadSeq: entry.seq,
          reason: `entry ${entry.seq} does not chain to entry ${entry.seq - 1} (deleted, reordered or edited)`,
        };
      }
      if (entryHash(entry) !== entry.hash || canonicalDetails(entry.details) !== row.details) {
        return { ok: false, entries: count, firstBadSeq: entry.seq, reason: `entry ${entry.seq} was edited` };
      }
      prevHash = entry.hash;
      expectedSeq++;
    }
    const head = readMeta(this.db, 'log_head');
    const actualHead = count === 0 ? null : `${expectedSeq - 1}:${prevHash}`;
    if (head !== actualHead) {
      const recordedSeq = head !== null ? Number(head.split(':')[0]) : 0;
      return {
        ok: false,
        entries: count,
        firstBadSeq: Math.min(expectedSeq, recordedSeq || expectedSeq),
        reason:
          recordedSeq > expectedSeq - 1
            ? `entries after ${expectedSeq - 1} were deleted (the log's head was entry ${recordedSeq})`
            : 'the recorded head of the log does not match its last entry',
      };
    }
    return { ok: true, entries: count, headHash: prevHash };
  }
}
