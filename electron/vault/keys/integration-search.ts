import type { Integration } from '../../../shared/domain/integration.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import type { IntegrationsRepo } from './integrations.repo.ts';
import type { KeyChange } from './key-change.ts';

/** A page of search results and how many matched in all. */
export interface SearchPage<T> {
  total: number;
  offset: number;
  items: T[];
}

/** More changed integrations than this at once and the index is rebuilt instead of updated. */
const INCREMENTAL_LIMIT = 500;

interface Index {
  ids: string[];
  /** name_key, for keeping the order when rows are merged in. */
  nameKeys: string[];
  haystacks: string[];
  platforms: string[];
}

/**
 * SQLite's BINARY order for TEXT (UTF-8 bytes, so code points), which `ORDER BY name_key` uses. JS
 * `<` compares UTF-16 units, which differs only between surrogates and U+E000–U+FFFF.
 */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // Surrogates (astral code points) sort after U+E000–U+FFFF.
        x = x < 0xe000 ? x + 0x2000 : x - 0x800;
        y = y < 0xe000 ? y + 0x2000 : y - 0x800;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

/**
 * Filter-as-you-type over every integration, sized for 100k rows: an in-memory index of what the
 * filter matches on (lower-cased name and prefix, platform), in name order, built on first use and
 * updated from change events ({@link IntegrationSearch.apply}: only the integrations a change
 * names are read again and merged in). A search scans the index and materialises only the
 * requested page from SQLite, so a keystroke costs the same whether 10 or 100 000 integrations
 * match.
 */
export class IntegrationSearch {
  private readonly db: SqliteDatabase;
  private readonly repo: IntegrationsRepo;
  private index: Index | null = null;
  /** Integrations changed since the index was last brought up to date. */
  private pending = new Set<string>();

  constructor(db: SqliteDatabase, repo: IntegrationsRepo) {
    this.db = db;
    this.repo = repo;
  }

  /** Drops the index; the next search rebuilds it. */
  invalidate(): void {
    this.index = null;
    this.pending.clear();
  }

  /** Notes a committed change; the next search updates just those integrations. */
  apply(change: KeyChange): void {
    if (this.index === null) {
      return;
    }
    for (const id of change.integrationIds) {
      this.pending.add(id);
    }
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

  private ensureIndex(): Index {
    if (this.index !== null && this.pending.size > INCREMENTAL_LIMIT) {
      this.invalidate();
    }
    if (!this.index) {
      const rows = this.db
        .prepare('SELECT id, name_key, prefix, platform FROM integrations ORDER BY name_key')
        .raw()
        .all() as [string, string, string, string][];
      this.index = {
        ids: rows.map((row) => row[0]),
        nameKeys: rows.map((row) => row[1]),
        haystacks: rows.map((row) => `${row[1]}\u0000${row[2]}`),
        platforms: rows.map((row) => row[3]),
      };
      this.pending.clear();
    } else if (this.pending.size > 0) {
      this.index = this.updated(this.index);
    }
    return this.index;
  }

  /** `index` without the pending integrations' entries, plus their current rows, in name order. */
  private updated(index: Index): Index {
    const changed = this.pending;
    this.pending = new Set();
    const byId = this.db
      .prepare('SELECT id, name_key, prefix, platform FROM integrations WHERE id = ?')
      .raw();
    const fresh = [...changed]
      .map((id) => byId.get(id) as [string, string, string, string] | undefined)
      .filter((row): row is [string, string, string, string] => row !== undefined)
      .sort((a, b) => compareCodePoints(a[1], b[1]));
    return changed.size <= SPLICE_LIMIT ? spliced(index, changed, fresh) : merged(index, changed, fresh);
  }
}

/** Up to this many changed integrations, the index is updated in place by splicing. */
const SPLICE_LIMIT = 32;

type FreshRow = [id: string, nameKey: string, prefix: string, platform: string];

/** `index` updated in place: the changed entries out, the fresh rows in at their name's place. */
function spliced(index: Index, changed: ReadonlySet<string>, fresh: readonly FreshRow[]): Index {
  const arrays = [index.ids, index.nameKeys, index.haystacks, index.platforms];
  for (const id of changed) {
    const at = index.ids.indexOf(id);
    if (at >= 0) {
      for (const array of arrays) {
        array.splice(at, 1);
      }
    }
  }
  for (const [id, nameKey, prefix, platform] of fresh) {
    let low = 0;
    let high = index.nameKeys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareCodePoints(index.nameKeys[mid]!, nameKey) < 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    index.ids.splice(low, 0, id);
    index.nameKeys.splice(low, 0, nameKey);
    index.haystacks.splice(low, 0, `${nameKey}\u0000${prefix}`);
    index.platforms.splice(low, 0, platform);
  }
  return index;
}

/** A new index: `index` without the changed entries, merged with the fresh rows (one pass). */
function merged(index: Index, changed: ReadonlySet<string>, fresh: readonly FreshRow[]): Index {
  const next: Index = { ids: [], nameKeys: [], haystacks: [], platforms: [] };
  const push = (id: string, nameKey: string, haystack: string, platform: string): void => {
    next.ids.push(id);
    next.nameKeys.push(nameKey);
    next.haystacks.push(haystack);
    next.platforms.push(platform);
  };
  let j = 0;
  for (let i = 0; i < index.ids.length; i++) {
    const id = index.ids[i]!;
    if (changed.has(id)) {
      continue;
    }
    const nameKey = index.nameKeys[i]!;
    while (j < fresh.length && compareCodePoints(fresh[j]![1], nameKey) < 0) {
      const row = fresh[j++]!;
      push(row[0], row[1], `${row[1]}\u0000${row[2]}`, row[3]);
    }
    push(id, nameKey, index.haystacks[i]!, index.platforms[i]!);
  }
  for (; j < fresh.length; j++) {
    const row = fresh[j]!;
    push(row[0], row[1], `${row[1]}\u0000${row[2]}`, row[3]);
  }
  return next;
}
