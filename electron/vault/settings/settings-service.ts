import type { Settings } from '../../../shared/domain/settings.ts';
import { describeIssue } from '../../../shared/domain/issue-message.ts';
import {
  DEFAULT_SETTINGS,
  settingsPatchSchema,
  settingsSchema,
  weakenedSettings,
} from '../../../shared/domain/settings.ts';
import { KeywardError } from '../../../shared/errors.ts';
import type { ActivityLog } from '../audit/activity-log.ts';
import type { Clock } from '../clock.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';

type Listener = (settings: Settings, changed: (keyof Settings)[]) => void;

/** The vault's settings, stored in the encrypted database; changes are validated and logged. */
export class SettingsService {
  private readonly db: SqliteDatabase;
  private readonly clock: Clock;
  private readonly log: ActivityLog;
  private cached: Settings | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly requireReauth: (action: 'settings.weaken') => void;

  /**
   * `requireReauth` throws REAUTH_REQUIRED (and logs the denial) unless a re-authentication is
   * fresh; it is asked before any change that weakens a protection is written.
   */
  constructor(
    db: SqliteDatabase,
    clock: Clock,
    log: ActivityLog,
    requireReauth: (action: 'settings.weaken') => void,
  ) {
    this.db = db;
    this.clock = clock;
    this.log = log;
    this.requireReauth = requireReauth;
  }

  /** Current settings (defaults for anything never set). */
  get(): Settings {
    if (this.cached) {
      return this.cached;
    }
    const stored: Record<string, unknown> = {};
    for (const row of this.db.prepare('SELECT key, value FROM settings').all() as {
      key: string;
      value: string;
    }[]) {
      if (row.key in DEFAULT_SETTINGS) {
        stored[row.key] = JSON.parse(row.value) as unknown;
      }
    }
    const parsed = settingsSchema.safeParse(stored);
    // A value outside today's bounds (from an older version) falls back to its default, field by field.
    this.cached = parsed.success ? parsed.data : this.repair(stored);
    return this.cached;
  }

  /**
   * Applies a partial update; INVALID_INPUT names the first bad field and nothing is written. A
   * change that weakens a protection (`weakenedSettings`) needs a fresh re-authentication
   * (REAUTH_REQUIRED otherwise, nothing written, the denial logged).
   */
  set(patch: unknown, options: { actor: string }): Settings {
    const parsed = settingsPatchSchema.safeParse(patch);
    if (!parsed.success) {
      // The schema's messages name their field already; only unnamed ones get a prefix.
      throw new KeywardError('INVALID_INPUT', describeIssue(parsed.error.issues[0], 'invalid value'));
    }
    const current = this.get();
    const changed = (Object.keys(parsed.data) as (keyof Settings)[]).filter(
      (name) =>
        parsed.data[name] !== undefined &&
        JSON.stringify(parsed.data[name]) !== JSON.stringify(current[name]),
    );
    if (changed.length === 0) {
      return current;
    }
    const next = { ...current, ...parsed.data } as Settings;
    if (weakenedSettings(current, next).length > 0) {
      this.requireReauth('settings.weaken');
    }
    this.db
      .transaction(() => {
        const upsert = this.db.prepare(
          `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        );
        for (const name of changed) {
          upsert.run(name, JSON.stringify(next[name]), this.clock.now());
        }
        this.log.append({
          actor: options.actor,
          action: 'settings.change',
          outcome: 'success',
          details: Object.fromEntries(changed.map((name) => [name, next[name]])),
        });
      })
      .immediate();
    this.cached = next;
    for (const listener of this.listeners) {
      listener(next, changed);
    }
    return next;
  }

  /** Called after every change with the new settings and the names that changed. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private repair(stored: Record<string, unknown>): Settings {
    const result: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const [name, value] of Object.entries(stored)) {
      if (settingsPatchSchema.safeParse({ [name]: value }).success) {
        result[name] = value;
      }
    }
    return result as Settings;
  }
}
