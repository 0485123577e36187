import type { Integration, Platform } from '../../../shared/domain/integration.ts';
import type { AcceptedCredential } from '../../../shared/sync/accepted-credential.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';

interface IntegrationRow {
  id: string;
  name: string;
  name_key: string;
  website: string | null;
  platform: string;
  ip_acl: string;
  prefix: string;
  rotation_days: number;
  grace_days: number;
  never_expire: number;
  enabled: number;
  notes: string | null;
  accepts: string;
  rate_limit_requests: number | null;
  rate_limit_window_seconds: number | null;
  created_at: number;
  updated_at: number;
}

function fromRow(row: IntegrationRow): Integration {
  return {
    id: row.id,
    name: row.name,
    website: row.website,
    platform: row.platform as Platform,
    ipAcl: JSON.parse(row.ip_acl) as string[],
    prefix: row.prefix,
    rotationDays: row.rotation_days,
    graceDays: row.grace_days,
    neverExpire: row.never_expire === 1,
    enabled: row.enabled === 1,
    notes: row.notes,
    accepts: row.accepts as AcceptedCredential,
    rateLimit:
      row.rate_limit_requests === null || row.rate_limit_window_seconds === null
        ? null
        : { requests: row.rate_limit_requests, windowSeconds: row.rate_limit_window_seconds },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** SQL for integrations; statements are prepared once per connection. */
export class IntegrationsRepo {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO integrations (id, name, name_key, website, platform, ip_acl, prefix, rotation_days, grace_days,
           never_expire, enabled, notes, accepts, rate_limit_requests, rate_limit_window_seconds, created_at, updated_at)
         VALUES (@id, @name, @nameKey, @website, @platform, @ipAcl, @prefix, @rotationDays, @graceDays,
           @neverExpire, @enabled, @notes, @accepts, @rateLimitRequests, @rateLimitWindowSeconds, @createdAt, @updatedAt)`,
      ),
      update: db.prepare(
        `UPDATE integrations SET name = @name, name_key = @nameKey, website = @website, platform = @platform,
           ip_acl = @ipAcl, rotation_days = @rotationDays, grace_days = @graceDays, never_expire = @neverExpire,
           enabled = @enabled, notes = @notes, accepts = @accepts, rate_limit_requests = @rateLimitRequests,
           rate_limit_window_seconds = @rateLimitWindowSeconds, updated_at = @updatedAt
         WHERE id = @id`,
      ),
      byId: db.prepare('SELECT * FROM integrations WHERE id = ?'),
      byNameKey: db.prepare('SELECT * FROM integrations WHERE name_key = ?'),
      all: db.prepare('SELECT * FROM integrations ORDER BY name_key'),
      remove: db.prepare('DELETE FROM integrations WHERE id = ?'),
    };
  }

  insert(integration: Integration, nameKey: string): void {
    this.statements.insert.run(this.params(integration, nameKey));
  }

  update(integration: Integration, nameKey: string): void {
    this.statements.update.run(this.params(integration, nameKey));
  }

  byId(id: string): Integration | null {
    const row = this.statements.byId.get(id) as IntegrationRow | undefined;
    return row ? fromRow(row) : null;
  }

  byNameKey(nameKey: string): Integration | null {
    const row = this.statements.byNameKey.get(nameKey) as IntegrationRow | undefined;
    return row ? fromRow(row) : null;
  }

  all(): Integration[] {
    return (this.statements.all.all() as IntegrationRow[]).map(fromRow);
  }

  remove(id: string): void {
    this.statements.remove.run(id);
  }

  private params(integration: Integration, nameKey: string) {
    return {
      id: integration.id,
      name: integration.name,
      nameKey,
      website: integration.website,
      platform: integration.platform,
      ipAcl: JSON.stringify(integration.ipAcl),
      prefix: integration.prefix,
      rotationDays: integration.rotationDays,
      graceDays: integration.graceDays,
      neverExpire: integration.neverExpire ? 1 : 0,
      enabled: integration.enabled ? 1 : 0,
      notes: integration.notes,
      accepts: integration.accepts,
      rateLimitRequests: integration.rateLimit?.requests ?? null,
      rateLimitWindowSeconds: integration.rateLimit?.windowSeconds ?? null,
      createdAt: integration.createdAt,
      updatedAt: integration.updatedAt,
    };
  }
}
