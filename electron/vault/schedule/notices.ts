import type { Notice, NoticeKind } from '../../../shared/domain/notice.ts';
import type { Clock } from '../clock.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import { DAY_MS } from '../keys/key-lifecycle.ts';
import { readMeta, writeMeta } from '../db/meta.ts';

// The notice's shape and kinds are the domain's (one schema for the engine, IPC, CLI and UI).
export type { Notice, NoticeKind } from '../../../shared/domain/notice.ts';

/** The `integrationName` of notices that are about the vault, not an integration (`backup-failed`). */
export const VAULT_NOTICE_SUBJECT = 'Backups';

/** The fixed thresholds after the configurable lead (docs/domain-rules.md: lead, then 7 days and 1 day). */
export const FIXED_EXPIRY_THRESHOLDS_DAYS = [7, 1] as const;
/** Grace-ending notices fire this many days before the grace ends. */
export const GRACE_ENDING_DAYS = 3;

interface NoticeRow {
  id: string;
  kind: string;
  integration_id: string | null;
  integration_name: string;
  key_id: string | null;
  due_at: number;
  fired_at: number;
  superseded: number;
  message: string;
  read_at: number | null;
}

function fromRow(row: NoticeRow): Notice {
  return {
    id: row.id,
    kind: row.kind as NoticeKind,
    integrationId: row.integration_id,
    integrationName: row.integration_name,
    keyId: row.key_id,
    dueAt: row.due_at,
    firedAt: row.fired_at,
    superseded: row.superseded === 1,
    message: row.message,
    readAt: row.read_at,
  };
}

function noticeFilter(options: { unreadOnly?: boolean; includeSuperseded?: boolean }): string {
  const where = [
    ...(options.unreadOnly ? ['read_at IS NULL'] : []),
    ...(options.includeSuperseded ? [] : ['superseded = 0']),
  ];
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

/**
 * Notices (docs/domain-rules.md): before an active key expires (lead days, 7 days, 1 day), when a grace period
 * ends within 3 days, when a key expired, and when a rotation happened or failed. A notice's id is
 * derived from what it is about, so it is stored — and fires — exactly once, whenever the app gets
 * to it (caught up after being closed or asleep). Nothing about future notices is stored: the next
 * due time is computed from indexed key columns, so planning costs the same for 10 or 100k keys.
 */
export class NoticeService {
  private readonly db: SqliteDatabase;
  private readonly clock: Clock;
  private readonly leadDays: () => number;

  constructor(db: SqliteDatabase, clock: Clock, leadDays: () => number) {
    this.db = db;
    this.clock = clock;
    this.leadDays = leadDays;
  }

  /** Expiry thresholds in days, most distant first, without duplicates. */
  thresholds(): number[] {
    return [...new Set([this.leadDays(), ...FIXED_EXPIRY_THRESHOLDS_DAYS])].sort((a, b) => b - a);
  }

  /** Fires every notice due at `now` that has not fired; returns those to show (not superseded). */
  fireDue(now = this.clock.now()): Notice[] {
    return this.db
      .transaction(() => [
        ...this.fireExpiringSoon(now),
        ...this.fireGraceEnding(now),
        ...this.fireExpired(now),
      ])
      .immediate();
  }

  /** Records an automatic rotation. */
  recordRotation(args: {
    integrationId: string;
    integrationName: string;
    newKeyId: string;
    previousStatus: string;
    graceEndsAt: number | null;
  }): Notice | null {
    const message =
      args.graceEndsAt !== null
        ? `${args.integrationName}: the API key was rotated automatically; the previous key keeps working until its grace period ends.`
        : `${args.integrationName}: the API key was rotated automatically; the previous key has ${args.previousStatus === 'expired' ? 'expired' : 'stopped working'}.`;
    return this.insert({
      id: `rotated:${args.newKeyId}`,
      kind: 'rotated',
      integrationId: args.integrationId,
      integrationName: args.integrationName,
      keyId: args.newKeyId,
      dueAt: this.clock.now(),
      message,
    });
  }

  /** Records a failed automatic rotation (at most one notice per integration per day). */
  recordRotationFailure(args: {
    integrationId: string;
    integrationName: string;
    message: string;
  }): Notice | null {
    const now = this.clock.now();
    return this.insert({
      id: `rotation-failed:${args.integrationId}:${Math.floor(now / DAY_MS)}`,
      kind: 'rotation-failed',
      integrationId: args.integrationId,
      integrationName: args.integrationName,
      keyId: null,
      dueAt: now,
      message: `${args.integrationName}: automatic rotation failed (${args.message}). Rotate the key by hand.`,
    });
  }

  /**
   * Records a failed daily backup (at most one notice per day): `reason` says why, in words; the
   * notice says what to do. Not about an integration: `integrationId` null.
   */
  recordBackupFailure(args: { reason: string }): Notice | null {
    const {
      firedAt: _firedAt,
      superseded: _superseded,
      readAt: _readAt,
      ...notice
    } = this.backupFailureNotice(args);
    return this.insert(notice);
  }

  /** The notice {@link recordBackupFailure} stores, without storing it (when the database cannot). */
  backupFailureNotice(args: { reason: string }): Notice {
    const now = this.clock.now();
    return {
      id: `backup-failed:${Math.floor(now / DAY_MS)}`,
      kind: 'backup-failed',
      integrationId: null,
      integrationName: VAULT_NOTICE_SUBJECT,
      keyId: null,
      dueAt: now,
      firedAt: now,
      superseded: false,
      message: `The daily backup failed (${args.reason}). Nothing was lost, but there is no new backup: fix the cause, then back up now (keyward backup now).`,
      readAt: null,
    };
  }

  /** When the next expiry or grace notice falls due (strictly after `now`), or null. */
  nextDueAt(now = this.clock.now()): number | null {
    const candidates: number[] = [];
    const nextExpiry = this.db.prepare(
      `SELECT min(expires_at) AS at FROM api_keys WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at > ?`,
    );
    for (const threshold of this.thresholds()) {
      const at = (nextExpiry.get(now + threshold * DAY_MS) as { at: number | null }).at;
      if (at !== null) {
        candidates.push(at - threshold * DAY_MS);
      }
    }
    const grace = (
      this.db
        .prepare(`SELECT min(grace_ends_at) AS at FROM api_keys WHERE status = 'grace' AND grace_ends_at > ?`)
        .get(now + GRACE_ENDING_DAYS * DAY_MS) as { at: number | null }
    ).at;
    if (grace !== null) {
      candidates.push(grace - GRACE_ENDING_DAYS * DAY_MS);
    }
    return candidates.length ? Math.min(...candidates) : null;
  }

  /** Notices, newest first: at most `limit` (default 500) after skipping `offset` (default 0). */
  list(
    options: { unreadOnly?: boolean; includeSuperseded?: boolean; limit?: number; offset?: number } = {},
  ): Notice[] {
    return (
      this.db
        .prepare(`SELECT * FROM notices ${noticeFilter(options)} ORDER BY fired_at DESC, id LIMIT ? OFFSET ?`)
        .all(
          Math.max(1, Math.min(options.limit ?? 500, 100_000)),
          Math.max(0, Math.floor(options.offset ?? 0)),
        ) as NoticeRow[]
    ).map(fromRow);
  }

  /** How many notices {@link list} pages through with the same filter. */
  count(options: { unreadOnly?: boolean; includeSuperseded?: boolean } = {}): number {
    return (
      this.db.prepare(`SELECT count(*) AS n FROM notices ${noticeFilter(options)}`).get() as { n: number }
    ).n;
  }

  /** Marks one notice (or all, with no id) as read; returns how many changed. */
  markRead(id?: string): number {
    const now = this.clock.now();
    return id === undefined
      ? this.db.prepare('UPDATE notices SET read_at = ? WHERE read_at IS NULL').run(now).changes
      : this.db.prepare('UPDATE notices SET read_at = ? WHERE id = ? AND read_at IS NULL').run(now, id)
          .changes;
  }

  /**
   * Expiry and grace notices that will fall due within `horizonMs`, soonest first, at most `limit`:
   * what the unencrypted schedule file carries so notifications can fire while the vault is locked.
   */
  upcoming(
    now: number,
    horizonMs: number,
    limit = 1000,
  ): { id: string; dueAt: number; kind: NoticeKind; integrationName: string; message: string }[] {
    const result: {
      id: string;
      dueAt: number;
      kind: NoticeKind;
      integrationName: string;
      message: string;
    }[] = [];
    const expiring = this.db.prepare(
      `SELECT k.id, k.expires_at, k.created_at, i.name FROM api_keys k JOIN integrations i ON i.id = k.integration_id
       WHERE k.status = 'active' AND k.expires_at IS NOT NULL AND k.expires_at - @threshold > @now
         AND k.expires_at - @threshold <= @until AND k.expires_at - @threshold >= k.created_at
       ORDER BY k.expires_at LIMIT @limit`,
    );
    for (const threshold of this.thresholds()) {
      const rows = expiring.all({ threshold: threshold * DAY_MS, now, until: now + horizonMs, limit }) as {
        id: string;
        expires_at: number;
        name: string;
      }[];
      for (const row of rows) {
        result.push({
          id: `expires-soon:${row.id}:${threshold}`,
          dueAt: row.expires_at - threshold * DAY_MS,
          kind: 'expires-soon',
          integrationName: row.name,
          message: `${row.name}: the API key expires in ${days(threshold)} and will be rotated automatically.`,
        });
      }
    }
    const grace = this.db
      .prepare(
        `SELECT k.id, k.grace_ends_at, i.name FROM api_keys k JOIN integrations i ON i.id = k.integration_id
         WHERE k.status = 'grace' AND k.grace_ends_at - @lead > @now AND k.grace_ends_at - @lead <= @until
         ORDER BY k.grace_ends_at LIMIT @limit`,
      )
      .all({ lead: GRACE_ENDING_DAYS * DAY_MS, now, until: now + horizonMs, limit }) as {
      id: string;
      grace_ends_at: number;
      name: string;
    }[];
    for (const row of grace) {
      result.push({
        id: `grace-ending:${row.id}`,
        dueAt: row.grace_ends_at - GRACE_ENDING_DAYS * DAY_MS,
        kind: 'grace-ending',
        integrationName: row.name,
        message: `${row.name}: the previous API key stops working in ${days(GRACE_ENDING_DAYS)}; make sure every system uses the new key.`,
      });
    }
    return result.sort((a, b) => a.dueAt - b.dueAt).slice(0, limit);
  }

  private fireExpiringSoon(now: number): Notice[] {
    const thresholds = this.thresholds();
    const dueKeys = this.db.prepare(
      `SELECT k.id, k.integration_id, k.expires_at, k.created_at, i.name FROM api_keys k
       JOIN integrations i ON i.id = k.integration_id
       WHERE k.status = 'active' AND k.expires_at IS NOT NULL AND k.expires_at <= @until
         AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.id = 'expires-soon:' || k.id || ':' || @smallest)`,
    );
    const rows = dueKeys.all({
      until: now + (thresholds[0] ?? 0) * DAY_MS,
      smallest: thresholds.at(-1) ?? 1,
    }) as {
      id: string;
      integration_id: string;
      expires_at: number;
      created_at: number;
      name: string;
    }[];
    const shown: Notice[] = [];
    for (const row of rows) {
      // Thresholds that fell due after the key was created; the most urgent one is shown.
      const due = thresholds.filter(
        (threshold) =>
          row.expires_at - threshold * DAY_MS <= now && row.expires_at - threshold * DAY_MS >= row.created_at,
      );
      const mostUrgent = due.at(-1);
      for (const threshold of due) {
        const remainingDays = Math.max(0, Math.ceil((row.expires_at - now) / DAY_MS));
        const notice = this.insert({
          id: `expires-soon:${row.id}:${threshold}`,
          kind: 'expires-soon',
          integrationId: row.integration_id,
          integrationName: row.name,
          keyId: row.id,
          dueAt: row.expires_at - threshold * DAY_MS,
          message:
            remainingDays === 0
              ? `${row.name}: the API key expires today and will be rotated automatically.`
              : `${row.name}: the API key expires in ${days(remainingDays)} and will be rotated automatically.`,
          superseded: threshold !== mostUrgent,
        });
        if (notice && !notice.superseded) {
          shown.push(notice);
        }
      }
    }
    return shown;
  }

  private fireGraceEnding(now: number): Notice[] {
    const rows = this.db
      .prepare(
        `SELECT k.id, k.integration_id, k.grace_ends_at, i.name FROM api_keys k JOIN integrations i ON i.id = k.integration_id
         WHERE k.status = 'grace' AND k.grace_ends_at > @now AND k.grace_ends_at <= @until
           AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.id = 'grace-ending:' || k.id)`,
      )
      .all({ now, until: now + GRACE_ENDING_DAYS * DAY_MS }) as {
      id: string;
      integration_id: string;
      grace_ends_at: number;
      name: string;
    }[];
    const shown: Notice[] = [];
    for (const row of rows) {
      const remaining = Math.max(1, Math.ceil((row.grace_ends_at - now) / DAY_MS));
      const notice = this.insert({
        id: `grace-ending:${row.id}`,
        kind: 'grace-ending',
        integrationId: row.integration_id,
        integrationName: row.name,
        keyId: row.id,
        dueAt: Math.max(row.grace_ends_at - GRACE_ENDING_DAYS * DAY_MS, 0),
        message: `${row.name}: the previous API key stops working in ${days(remaining)}; make sure every system uses the new key.`,
      });
      if (notice) {
        shown.push(notice);
      }
    }
    return shown;
  }

  private fireExpired(now: number): Notice[] {
    const watermark = Number(readMeta(this.db, 'notices_expired_watermark') ?? '0');
    const rows = this.db
      .prepare(
        `SELECT k.id, k.integration_id, k.ended_at, i.name FROM api_keys k JOIN integrations i ON i.id = k.integration_id
         WHERE k.status = 'expired' AND k.ended_at > @watermark AND k.ended_at <= @now`,
      )
      .all({ watermark, now }) as { id: string; integration_id: string; ended_at: number; name: string }[];
    const shown: Notice[] = [];
    for (const row of rows) {
      const notice = this.insert({
        id: `expired:${row.id}`,
        kind: 'expired',
        integrationId: row.integration_id,
        integrationName: row.name,
        keyId: row.id,
        dueAt: row.ended_at,
        message: `${row.name}: a previous API key has expired and is no longer accepted.`,
      });
      if (notice) {
        shown.push(notice);
      }
    }
    writeMeta(this.db, 'notices_expired_watermark', String(now));
    return shown;
  }

  /** Inserts a notice unless one with the same id exists; returns it when inserted. */
  private insert(
    notice: Omit<Notice, 'firedAt' | 'superseded' | 'readAt'> & { superseded?: boolean },
  ): Notice | null {
    const firedAt = this.clock.now();
    const superseded = notice.superseded ?? false;
    const changes = this.db
      .prepare(
        `INSERT OR IGNORE INTO notices (id, kind, integration_id, integration_name, key_id, due_at, fired_at, superseded, message, read_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        notice.id,
        notice.kind,
        notice.integrationId,
        notice.integrationName,
        notice.keyId,
        notice.dueAt,
        firedAt,
        superseded ? 1 : 0,
        notice.message,
        superseded ? firedAt : null,
      ).changes;
    return changes === 1 ? { ...notice, firedAt, superseded, readAt: superseded ? firedAt : null } : null;
  }
}
