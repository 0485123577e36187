import type { ApiKeyView, KeyStatus } from '../../../shared/domain/api-key.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';

interface KeyRow {
  id: string;
  integration_id: string;
  material: string;
  lookup_hash: string;
  masked: string;
  status: string;
  created_at: number;
  expires_at: number | null;
  grace_ends_at: number | null;
  ended_at: number | null;
  last_used_at: number | null;
  replaced_by: string | null;
}

/** A stored key with its material; only the lifecycle service and reveal/copy paths see this. */
export interface StoredKey extends ApiKeyView {
  material: string;
  lookupHash: string;
}

function toView(row: KeyRow): ApiKeyView {
  return {
    id: row.id,
    integrationId: row.integration_id,
    masked: row.masked,
    status: row.status as KeyStatus,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    graceEndsAt: row.grace_ends_at,
    endedAt: row.ended_at,
    lastUsedAt: row.last_used_at,
    replacedBy: row.replaced_by,
  };
}

/** SQL for API keys; statements are prepared once per connection. */
export class ApiKeysRepo {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    const viewColumns =
      'id, integration_id, masked, status, created_at, expires_at, grace_ends_at, ended_at, last_used_at, replaced_by';
    this.statements = {
      insert: db.prepare(
        `INSERT INTO api_keys (id, integration_id, material, lookup_hash, masked, status, created_at, expires_at,
           grace_ends_at, ended_at, last_used_at, replaced_by)
         VALUES (@id, @integrationId, @material, @lookupHash, @masked, @status, @createdAt, @expiresAt,
           @graceEndsAt, @endedAt, @lastUsedAt, @replacedBy)`,
      ),
      endActive: db.prepare(
        `UPDATE api_keys SET status = @status, grace_ends_at = @graceEndsAt, ended_at = @endedAt, replaced_by = @replacedBy
         WHERE id = @id AND status = 'active'`,
      ),
      endGrace: db.prepare(
        `UPDATE api_keys SET status = 'revoked', grace_ends_at = NULL, ended_at = ? WHERE id = ? AND status = 'grace'`,
      ),
      setExpiry: db.prepare(`UPDATE api_keys SET expires_at = ? WHERE id = ? AND status = 'active'`),
      expireGrace: db.prepare(
        `UPDATE api_keys SET status = 'expired', ended_at = grace_ends_at WHERE status = 'grace' AND grace_ends_at <= ?
         RETURNING ${viewColumns}`,
      ),
      touch: db.prepare('UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?'),
      byId: db.prepare(`SELECT ${viewColumns} FROM api_keys WHERE id = ?`),
      storedById: db.prepare('SELECT * FROM api_keys WHERE id = ?'),
      storedByHash: db.prepare('SELECT * FROM api_keys WHERE lookup_hash = ?'),
      active: db.prepare(
        `SELECT ${viewColumns} FROM api_keys WHERE integration_id = ? AND status = 'active'`,
      ),
      storedActive: db.prepare(`SELECT * FROM api_keys WHERE integration_id = ? AND status = 'active'`),
      forIntegration: db.prepare(
        `SELECT ${viewColumns} FROM api_keys WHERE integration_id = ? ORDER BY created_at DESC, rowid DESC`,
      ),
      all: db.prepare(`SELECT ${viewColumns} FROM api_keys ORDER BY created_at DESC, rowid DESC`),
      dueRotation: db.prepare(
        `SELECT ${viewColumns} FROM api_keys WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?
         ORDER BY expires_at`,
      ),
      nextExpiry: db.prepare(
        `SELECT min(expires_at) AS at FROM api_keys WHERE status = 'active' AND expires_at IS NOT NULL`,
      ),
      nextGraceEnd: db.prepare(`SELECT min(grace_ends_at) AS at FROM api_keys WHERE status = 'grace'`),
      remove: db.prepare(`DELETE FROM api_keys WHERE id = ? AND status IN ('expired', 'revoked')`),
      countActive: db.prepare(
        `SELECT i.id AS integrationId, count(k.id) AS n FROM integrations i
         LEFT JOIN api_keys k ON k.integration_id = i.id AND k.status = 'active' GROUP BY i.id HAVING n <> 1`,
      ),
    };
  }

  insert(key: StoredKey): void {
    this.statements.insert.run(key);
  }

  /** Ends the active key (to grace, expired or revoked); false if it was no longer active. */
  endActive(
    id: string,
    change: { status: KeyStatus; graceEndsAt: number | null; endedAt: number | null; replacedBy: string },
  ): boolean {
    return this.statements.endActive.run({ id, ...change }).changes === 1;
  }

  /** Ends a key's grace period now: it becomes `revoked`. False if it was not in grace. */
  endGrace(id: string, now: number): boolean {
    return this.statements.endGrace.run(now, id).changes === 1;
  }

  setExpiry(id: string, expiresAt: number | null): void {
    this.statements.setExpiry.run(expiresAt, id);
  }

  /** Moves every grace key whose grace has ended to expired; returns them. */
  expireGrace(now: number): ApiKeyView[] {
    return (this.statements.expireGrace.all(now) as KeyRow[]).map(toView);
  }

  touch(id: string, at: number): void {
    this.statements.touch.run(at, id);
  }

  byId(id: string): ApiKeyView | null {
    const row = this.statements.byId.get(id) as KeyRow | undefined;
    return row ? toView(row) : null;
  }

  storedById(id: string): StoredKey | null {
    const row = this.statements.storedById.get(id) as KeyRow | undefined;
    return row ? { ...toView(row), material: row.material, lookupHash: row.lookup_hash } : null;
  }

  storedByHash(lookupHash: string): StoredKey | null {
    const row = this.statements.storedByHash.get(lookupHash) as KeyRow | undefined;
    return row ? { ...toView(row), material: row.material, lookupHash: row.lookup_hash } : null;
  }

  active(integrationId: string): ApiKeyView | null {
    const row = this.statements.active.get(integrationId) as KeyRow | undefined;
    return row ? toView(row) : null;
  }

  storedActive(integrationId: string): StoredKey | null {
    const row = this.statements.storedActive.get(integrationId) as KeyRow | undefined;
    return row ? { ...toView(row), material: row.material, lookupHash: row.lookup_hash } : null;
  }

  forIntegration(integrationId: string): ApiKeyView[] {
    return (this.statements.forIntegration.all(integrationId) as KeyRow[]).map(toView);
  }

  all(): ApiKeyView[] {
    return (this.statements.all.all() as KeyRow[]).map(toView);
  }

  dueRotation(now: number): ApiKeyView[] {
    return (this.statements.dueRotation.all(now) as KeyRow[]).map(toView);
  }

  /** The earliest moment a key changes state by time alone (expiry or grace end), or null. */
  nextTransitionAt(): number | null {
    const expiry = (this.statements.nextExpiry.get() as { at: number | null }).at;
    const grace = (this.statements.nextGraceEnd.get() as { at: number | null }).at;
    const candidates = [expiry, grace].filter((at): at is number => at !== null);
    return candidates.length ? Math.min(...candidates) : null;
  }

  /** Deletes an expired or revoked key; false if it was not deletable. */
  remove(id: string): boolean {
    return this.statements.remove.run(id).changes === 1;
  }

  /** Integrations that do not have exactly one active key (should always be empty). */
  invariantViolations(): { integrationId: string; n: number }[] {
    return this.statements.countActive.all() as { integrationId: string; n: number }[];
  }
}
