import { describeIssue } from '../../../shared/domain/issue-message.ts';
import type { z } from 'zod';
import { integrationNameKey } from '../../../shared/domain/integration.ts';
import type { Integration } from '../../../shared/domain/integration.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { redactKeyMaterial } from '../../../shared/keys/redact.ts';
import type { ActivityLog } from '../audit/activity-log.ts';
import type { Clock } from '../clock.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import { ApiKeysRepo } from './api-keys.repo.ts';
import { IntegrationsRepo } from './integrations.repo.ts';
import { IntegrationSearch } from './integration-search.ts';
import { keyChange } from './key-change.ts';
import type { KeyChangeListener } from './key-change.ts';
import { KeyTable } from './key-table.ts';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** Who acts, for the activity log. */
export interface Actor {
  actor: string;
}

/** What the key services need (see `createVaultKeys`). */
export interface KeyStoreDependencies {
  db: SqliteDatabase;
  clock: Clock;
  log: ActivityLog;
  /**
   * Called after every committed change to integrations or keys, naming the integrations it touched
   * (the scheduler re-plans; the read models have already taken it in).
   */
  onChange?: KeyChangeListener;
}

export { lookupHash } from '../../../shared/keys/lookup-hash.ts';

/** The first problem of a failed parse, as INVALID_INPUT. */
export function invalidInput(error: z.ZodError): KeywardError {
  return new KeywardError('INVALID_INPUT', describeIssue(error.issues[0]));
}

/**
 * What the integration, key-lifecycle, verification and due-step services share: the database, the
 * repositories, the activity log, the read models (search index, key table) and the one change
 * signal that keeps the read models and the scheduler current.
 */
export class KeyStore {
  readonly db: SqliteDatabase;
  readonly clock: Clock;
  readonly log: ActivityLog;
  readonly integrations: IntegrationsRepo;
  readonly keys: ApiKeysRepo;
  readonly searchIndex: IntegrationSearch;
  readonly table: KeyTable;
  private readonly notify: KeyChangeListener;

  constructor(deps: KeyStoreDependencies) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.log = deps.log;
    this.integrations = new IntegrationsRepo(deps.db);
    this.keys = new ApiKeysRepo(deps.db);
    this.searchIndex = new IntegrationSearch(deps.db, this.integrations);
    this.table = new KeyTable(deps.db);
    this.notify = deps.onChange ?? (() => undefined);
  }

  /** An integration by id or by name (case-insensitive); NOT_FOUND otherwise. */
  requireIntegration(ref: string): Integration {
    const found = this.integrations.byId(ref) ?? this.integrations.byNameKey(integrationNameKey(ref));
    if (!found) {
      throw new KeywardError(
        'NOT_FOUND',
        `No integration named or with id "${redactKeyMaterial(ref).slice(0, 100)}".`,
      );
    }
    return found;
  }

  /** After a committed change to these integrations: the read models take it in, then the listener. */
  changed(integrationIds: Iterable<string>): void {
    const change = keyChange(integrationIds);
    this.searchIndex.apply(change);
    this.table.apply(change);
    this.notify(change);
  }
}
