import type { PublishedKey } from '../../../shared/keys/published-key.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';

interface PublishedRow {
  keyId: string;
  integrationId: string;
  integrationName: string;
  lookupHash: string;
  status: PublishedKey['status'];
  createdAt: number;
  expiresAt: number | null;
  graceEndsAt: number | null;
  endedAt: number | null;
  neverExpire: number;
  graceDays: number;
  enabled: number;
  ipAcl: string;
}

function toPublished(row: PublishedRow): PublishedKey {
  return {
    ...row,
    neverExpire: row.neverExpire === 1,
    enabled: row.enabled === 1,
    ipAcl: JSON.parse(row.ipAcl) as string[],
  };
}

const COLUMNS = `k.id AS keyId, k.integration_id AS integrationId, i.name AS integrationName,
  k.lookup_hash AS lookupHash, k.status AS status, k.created_at AS createdAt, k.expires_at AS expiresAt,
  k.grace_ends_at AS graceEndsAt, k.ended_at AS endedAt, i.never_expire AS neverExpire,
  i.grace_days AS graceDays, i.enabled AS enabled, i.ip_acl AS ipAcl`;

/**
 * SQL for the published facts of keys (`shared/keys/published-key.ts`): one key by its lookup hash
 * (the unique index), and the master list's pre-filter. The pre-filter only narrows; the decision is
 * `keyAcceptance`'s, so it must keep every key the rule could accept at `now` — including an active
 * key past `expiresAt` within its integration's grace days, which nobody has rotated yet.
 */
export class PublishedKeysRepo {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      byHash: db.prepare(
        `SELECT ${COLUMNS} FROM api_keys k JOIN integrations i ON i.id = k.integration_id WHERE k.lookup_hash = ?`,
      ),
      candidates: db.prepare(
        `SELECT ${COLUMNS} FROM api_keys k JOIN integrations i ON i.id = k.integration_id
         WHERE i.enabled = 1 AND (
           (k.status = 'active' AND (k.expires_at IS NULL OR k.expires_at + i.grace_days * 86400000 > @now)) OR
           (k.status = 'grace' AND k.grace_ends_at > @now))`,
      ),
    };
  }

  /** The published facts of the key with this lookup hash, or null (one indexed read). */
  byHash(lookupHash: string): PublishedKey | null {
    const row = this.statements.byHash.get(lookupHash) as PublishedRow | undefined;
    return row ? toPublished(row) : null;
  }

  /** Every key that may be accepted at `now` (a superset of the master list; see the class comment). */
  candidates(now: number): PublishedKey[] {
    return (this.statements.candidates.all({ now }) as PublishedRow[]).map(toPublished);
  }
}
