import type { KeyStatus } from '../../../shared/domain/api-key.ts';
import type { Platform } from '../../../shared/domain/integration.ts';
import type {
  KeyTableQuery,
  KeyTableRow,
  KeyTableSort,
  SortDirection,
} from '../../../shared/domain/key-table.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';
import type { KeyChange } from './key-change.ts';

// What the table asks for is the domain's schema (shared/domain/key-table.ts), also the IPC input.
export type { KeyTableQuery } from '../../../shared/domain/key-table.ts';

/** A page of the table and how many rows match in all. */
export interface KeyTablePage {
  total: number;
  offset: number;
  rows: KeyTableRow[];
}

interface Row {
  view: KeyTableRow;
  /** Lower-cased name, prefix and masked key, NUL-separated: what the filter's substring match sees. */
  haystack: string;
  /** `\u0001platform\u0001status\u0001`: what the filter's whole-word match sees. */
  exact: string;
  nameKey: string;
}

/** One sort order of the rows, with the filter's strings in the same order. */
interface Order {
  rows: Row[];
  haystacks: string[];
  exact: string[];
}

const STATUS_ORDER: Record<KeyStatus, number> = { active: 0, grace: 1, expired: 2, revoked: 3 };

/** Nulls sort last in either direction ("never" / "not yet" belong at the end). */
function compareNullable(a: number | null, b: number | null, sign: number): number {
  if (a === b) {
    return 0;
  }
  if (a === null) {
    return 1;
  }
  if (b === null) {
    return -1;
  }
  return (a - b) * sign;
}

function comparatorFor(sort: KeyTableSort, direction: SortDirection): (a: Row, b: Row) => number {
  const sign = direction === 'asc' ? 1 : -1;
  const byName = (a: Row, b: Row) =>
    a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : b.view.key.createdAt - a.view.key.createdAt;
  const primary = (a: Row, b: Row): number => {
    switch (sort) {
      case 'integration':
        return byName(a, b) * sign;
      case 'platform':
        return a.view.platform.localeCompare(b.view.platform) * sign;
      case 'status':
        return (STATUS_ORDER[a.view.key.status] - STATUS_ORDER[b.view.key.status]) * sign;
      case 'expiresAt':
        return compareNullable(a.view.key.expiresAt, b.view.key.expiresAt, sign);
      case 'graceEndsAt':
        return compareNullable(a.view.key.graceEndsAt, b.view.key.graceEndsAt, sign);
      case 'lastUsedAt':
        return compareNullable(a.view.key.lastUsedAt, b.view.key.lastUsedAt, sign);
      case 'createdAt':
        return (a.view.key.createdAt - b.view.key.createdAt) * sign;
    }
  };
  // Ties fall back to the name, then newest key first, then the key id, so the order is total: stable
  // across pages, and the same whether built at once or updated by merging changed rows in.
  return (a, b) => primary(a, b) || byName(a, b) || (a.view.key.id < b.view.key.id ? -1 : 1);
}

/**
 * More changed integrations than this at once (an import, a large catch-up of due rotations) and
 * the table reloads instead: one query and a sort beat that many small queries and merges.
 */
const INCREMENTAL_LIMIT = 500;

/**
 * The desktop's key table, sized for 100k keys: every key joined with its integration, loaded by
 * one query into memory on first use, with one sorted order cached per sort column. A change
 * ({@link KeyTable.apply}) re-reads only the integrations it names and merges their rows into the
 * cached orders, so the first keystroke after a rotation costs about what any other does
 * (`table-filter-after-change`). A page is one scan of the cached order (filter) plus a slice — no
 * SQL per keystroke, and the renderer only ever holds the rows it shows. Masked keys only;
 * material never enters this index.
 */
export class KeyTable {
  private readonly db: SqliteDatabase;
  private rows: Row[] | null = null;
  private readonly orders = new Map<string, Order>();
  /** Integrations changed since the rows were last brought up to date. */
  private pending = new Set<string>();
  /** The loaded rows grouped by integration (for taking a changed integration's rows out). */
  private byIntegration: Map<string, Row[]> | null = null;
  /** `rows` misses changes that `byIntegration` has. */
  private rowsStale = false;

  constructor(db: SqliteDatabase) {
    this.db = db;
  }

  /** Drops the cache; the next query reloads everything. */
  invalidate(): void {
    this.rows = null;
    this.byIntegration = null;
    this.rowsStale = false;
    this.orders.clear();
    this.pending.clear();
  }

  /** Notes a committed change; the next query updates just those integrations' rows. */
  apply(change: KeyChange): void {
    if (this.rows === null) {
      return; // nothing loaded yet: the first query reads everything anyway
    }
    for (const id of change.integrationIds) {
      this.pending.add(id);
    }
  }

  /** One page of the table. */
  query(query: KeyTableQuery): KeyTablePage {
    this.flush();
    const { rows: ordered, exact, haystacks } = this.ordered(query.sort, query.direction);
    const needle = query.term.trim().normalize('NFKC').toLowerCase();
    const offset = Math.max(0, Math.trunc(query.offset));
    const limit = Math.max(0, Math.min(Math.trunc(query.limit), 1000));
    if (needle === '') {
      return {
        total: ordered.length,
        offset,
        rows: ordered.slice(offset, offset + limit).map((r) => r.view),
      };
    }
    // Platform and status match whole words only: "web" finds web keys, "act" does not find all active ones.
    const word = `\u0001${needle}\u0001`;
    const rows: KeyTableRow[] = [];
    let total = 0;
    for (let i = 0; i < haystacks.length; i++) {
      if (haystacks[i]!.includes(needle) || exact[i]!.includes(word)) {
        if (total >= offset && rows.length < limit) {
          rows.push(ordered[i]!.view);
        }
        total++;
      }
    }
    return { total, offset, rows };
  }

  private ordered(sort: KeyTableSort, direction: SortDirection): Order {
    const cacheKey = `${sort}:${direction}`;
    let order = this.orders.get(cacheKey);
    if (order === undefined) {
      const rows = [...this.load()].sort(comparatorFor(sort, direction));
      // Parallel arrays of flat strings: the filter's scan touches nothing else.
      order = { rows, haystacks: rows.map((row) => row.haystack), exact: rows.map((row) => row.exact) };
      this.orders.set(cacheKey, order);
    }
    return order;
  }

  private load(): Row[] {
    if (this.rows === null) {
      this.rows = (this.db.prepare(TABLE_SQL).raw().all() as RawRow[]).map(toRow);
      this.byIntegration = null;
      this.rowsStale = false;
      this.pending.clear();
    } else if (this.rowsStale && this.byIntegration !== null) {
      this.rows = [...this.byIntegration.values()].flat();
      this.rowsStale = false;
    }
    return this.rows;
  }

  /**
   * Brings the loaded rows and every cached order up to date with the pending changes: the changed
   * integrations' rows are read again (one indexed query each) and replace the old ones in each
   * cached order at their sorted places. No sort and no full reload: a few changed integrations
   * (a rotation) cost a few array splices; more are filtered out and merged in, one pass per order.
   */
  private flush(): void {
    if (this.pending.size === 0 || this.rows === null) {
      this.pending.clear();
      return;
    }
    if (this.pending.size > INCREMENTAL_LIMIT) {
      this.invalidate();
      return;
    }
    const changed = this.pending;
    this.pending = new Set();
    const byIntegration = this.rowsByIntegration();
    const statement = this.db.prepare(`${TABLE_SQL} WHERE k.integration_id = ?`).raw();
    const old: Row[] = [];
    const fresh: Row[] = [];
    for (const id of changed) {
      old.push(...(byIntegration.get(id) ?? []));
      const rows = (statement.all(id) as RawRow[]).map(toRow);
      fresh.push(...rows);
      if (rows.length > 0) {
        byIntegration.set(id, rows);
      } else {
        byIntegration.delete(id);
      }
    }
    // The flat list is only for building a new sort order: rebuilt from the groups when one is asked for.
    this.rowsStale = true;
    const gone = new Set(old);
    for (const [cacheKey, order] of this.orders) {
      const [sort, direction] = cacheKey.split(':') as [KeyTableSort, 'asc' | 'desc'];
      const compare = comparatorFor(sort, direction);
      if (old.length + fresh.length <= SPLICE_LIMIT) {
        spliceInto(order, old, fresh, compare);
      } else {
        const rows = merge(
          order.rows.filter((row) => !gone.has(row)),
          [...fresh].sort(compare),
          compare,
        );
        this.orders.set(cacheKey, {
          rows,
          haystacks: rows.map((row) => row.haystack),
          exact: rows.map((row) => row.exact),
        });
      }
    }
  }

  /** The loaded rows by integration id, built on first need. */
  private rowsByIntegration(): Map<string, Row[]> {
    if (this.byIntegration === null) {
      this.byIntegration = new Map();
      for (const row of this.load()) {
        const id = row.view.key.integrationId;
        const list = this.byIntegration.get(id);
        if (list) {
          list.push(row);
        } else {
          this.byIntegration.set(id, [row]);
        }
      }
    }
    return this.byIntegration;
  }
}

/** Up to this many rows out and in, an order is updated by splicing; beyond, by one filter-and-merge pass. */
const SPLICE_LIMIT = 64;

/** Takes `old` rows out of `order` and puts `fresh` ones in at their sorted places, in place. */
function spliceInto(
  order: Order,
  old: readonly Row[],
  fresh: readonly Row[],
  compare: (a: Row, b: Row) => number,
): void {
  for (const row of old) {
    const at = order.rows.indexOf(row);
    if (at >= 0) {
      order.rows.splice(at, 1);
      order.haystacks.splice(at, 1);
      order.exact.splice(at, 1);
    }
  }
  for (const row of fresh) {
    // First position whose row sorts after `row` (binary search over the sorted order).
    let low = 0;
    let high = order.rows.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(order.rows[mid]!, row) <= 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    order.rows.splice(low, 0, row);
    order.haystacks.splice(low, 0, row.haystack);
    order.exact.splice(low, 0, row.exact);
  }
}

/** Merges two arrays each sorted by `compare` into one sorted array. */
function merge(a: Row[], b: Row[], compare: (x: Row, y: Row) => number): Row[] {
  if (b.length === 0) {
    return a;
  }
  const out: Row[] = new Array<Row>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    out[k++] = compare(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  }
  while (i < a.length) {
    out[k++] = a[i++]!;
  }
  while (j < b.length) {
    out[k++] = b[j++]!;
  }
  return out;
}

const TABLE_SQL = `SELECT k.id, k.integration_id, k.masked, k.status, k.created_at, k.expires_at, k.grace_ends_at,
                          k.ended_at, k.last_used_at, k.replaced_by,
                          i.name, i.name_key, i.prefix, i.platform, i.enabled, i.never_expire
                   FROM api_keys k JOIN integrations i ON i.id = k.integration_id`;

type RawRow = [
  string,
  string,
  string,
  string,
  number,
  number | null,
  number | null,
  number | null,
  number | null,
  string | null,
  string,
  string,
  string,
  string,
  number,
  number,
];

function toRow(r: RawRow): Row {
  return {
    view: {
      key: {
        id: r[0],
        integrationId: r[1],
        masked: r[2],
        status: r[3] as KeyStatus,
        createdAt: r[4],
        expiresAt: r[5],
        graceEndsAt: r[6],
        endedAt: r[7],
        lastUsedAt: r[8],
        replacedBy: r[9],
      },
      integrationName: r[10],
      platform: r[13] as Platform,
      enabled: r[14] === 1,
      neverExpire: r[15] === 1,
    },
    // Without the mask's "…": a one-byte string is several times faster to scan than a two-byte one.
    // join() makes flat strings (a template literal makes ropes the first scan would flatten).
    haystack: [r[11], r[12].toLowerCase(), r[2].replace('…', '').toLowerCase()].join('\u0000'),
    exact: ['', r[13], r[3], ''].join('\u0001'),
    nameKey: r[11],
  };
}
