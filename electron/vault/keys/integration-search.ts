import type { Integration } from '../../../shared/domain/integration.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import type { IntegrationsRepo } from './integrations.repo.ts';

/** A page of search results and how many matched in all. */
export interface SearchPage<T> {
  total: number;
  offset: number;
  items: T[];
}

/**
 * Filter-as-you-type over every integration, sized for 100k rows: an in-memory index of what the
 * filter matches on (lower-cased name and prefix, platform), in name order, rebuilt lazily after any
 * change. A search scans the index and materialises only the requested page from SQLite, so a
 * keystroke costs the same whether 10 or 100 000 integrations match.
 */
export class IntegrationSearch {
  private readonly db: SqliteDatabase;
  private readonly repo: IntegrationsRepo;
  private index: { ids: string[]; haystacks: string[]; platforms: string[] } | null = null;

  constructor(db: SqliteDatabase, repo: IntegrationsRepo) {
    this.db = db;
    this.repo = repo;
  }

  /** Drops the index; the next search rebuilds it. */
  invalidate(): void {
    this.index = null;
  }

  /**
   * Integrations whose name or prefix contains `term` (case-insensitive) or whose platform equals it,
   * in name order; `limit` rows from `offset`.
   */
  search(term: string, page: { offset?: number; limit?: number } = {}): SearchPage<Integration> {
    const index = this.ensureIndex();
    const needle = term.trim().normalize('NFKC').toLowerCase();
    const offset = Math.max(0, Math.trunc(page.offset ?? 0));
    const limit = Math.max(0, Math.min(Math.trunc(page.limit ?? 100), 1000));
    const pageIds: string[] = [];
    let total = 0;
    for (let i = 0; i < index.ids.length; i++) {
      if (needle === '' || index.haystacks[i]!.includes(needle) || index.platforms[i] === needle) {
        if (total >= offset && pageIds.length < limit) {
          pageIds.push(index.ids[i]!);
        }
        total++;
      }
    }
    const items = pageIds
      .map((id) => this.repo.byId(id))
      .filter((item): item is Integration => item !== null);
    return { total, offset, items };
  }

  private ensureIndex(): NonNullable<IntegrationSearch['index']> {
    if (!this.index) {
      const rows = this.db
        .prepare('SELECT id, name_key, prefix, platform FROM integrations ORDER BY name_key')
        .raw()
        .all() as [string, string, string, string][];
      this.index = {
        ids: rows.map((row) => row[0]),
        haystacks: rows.map((row) => `${row[1]}\u0000${row[2]}`),
        platforms: rows.map((row) => row[3]),
      };
    }
    return this.index;
  }
}
