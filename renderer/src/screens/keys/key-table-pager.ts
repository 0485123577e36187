import type { KeyTableRow, KeyTableSort, SortDirection } from '../../../../shared/domain/key-table.ts';
import { errorMessage } from '../../api/ipc-error.ts';

/** What the key table asks the engine: the filter and the order (pages come on top). */
export interface TableQuery {
  term: string;
  sort: KeyTableSort;
  direction: SortDirection;
}

/** What the table shows right now. Immutable: a new object for every change (useSyncExternalStore). */
export interface TableSnapshot {
  /** `loading` until the first page of the first query arrived; `error` when that failed. */
  status: 'loading' | 'ready' | 'error';
  /** Rows matching the query the shown rows answer. */
  total: number;
  /** The filter the shown rows answer (may lag the input by one round trip). */
  term: string;
  /** A newer query or refresh is on its way (the rows shown are the previous answer). */
  pending: boolean;
  /** Why the last request failed, when it did (the rows shown are older). */
  error: string | null;
  /** The row at `index` when its page is loaded. */
  rowAt: (index: number) => KeyTableRow | undefined;
}

/** Asks for one page: `keys.table` over the bridge in the app, a fake in unit tests. */
export type PageLoader = (
  query: TableQuery & { offset: number; limit: number },
) => Promise<{ total: number; rows: KeyTableRow[] }>;

/** Rows per `keys.table` request. */
export const PAGE_SIZE = 200;
/** Pages kept in memory (4 000 rows): the ones nearest the visible range stay. */
const MAX_PAGES = 20;

interface CachedPage {
  generation: number;
  rows: KeyTableRow[];
}

/**
 * A page cache over `keys.table` for the virtualised key table. The engine filters and sorts all
 * keys; this fetches only the pages the visible range needs. Every query change or refresh starts a
 * new generation: answers of an older generation are dropped (the request counter), and the rows of
 * the previous answer stay on screen until the new one arrives, so typing never flashes empty rows.
 * No debounce: a keystroke's query goes out at once, unless a request is still in flight — then
 * only the latest query goes out when it returns.
 */
export class KeyTablePager {
  private readonly load: PageLoader;
  private query: TableQuery;
  private generation = 0;
  /** The generation whose answer is shown (pages of older ones may still be shown, marked stale). */
  private shownGeneration = -1;
  /** A new query (not a refresh): on its first answer, every older page is wrong, not just stale. */
  private dropOnArrival = false;
  private readonly pages = new Map<number, CachedPage>();
  /** page → the generation it is being fetched for. */
  private readonly inFlight = new Map<number, number>();
  /** Page → the generation whose request for it failed: not asked again until a new query or refresh. */
  private readonly failed = new Map<number, number>();
  /** Requests not answered yet (of any generation). */
  private outstanding = 0;
  /** A new query's first page waits for the requests in flight (latest wins, nothing piles up). */
  private firstPageQueued = false;
  private range: { first: number; last: number } = { first: 0, last: 0 };
  private total = 0;
  private status: TableSnapshot['status'] = 'loading';
  private error: string | null = null;
  private shownTerm: string;
  private snapshot: TableSnapshot;
  private readonly listeners = new Set<() => void>();
  private started = false;

  constructor(query: TableQuery, load: PageLoader) {
    this.load = load;
    this.query = query;
    this.shownTerm = query.term;
    this.snapshot = this.makeSnapshot();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): TableSnapshot => this.snapshot;

  /** Loads the first page (once). */
  start(): void {
    if (!this.started) {
      this.started = true;
      this.fetch(0);
    }
  }

  /** A new filter or order: asks for its first page at once (no debounce; stale answers are dropped). */
  setQuery(query: TableQuery): void {
    if (
      query.term === this.query.term &&
      query.sort === this.query.sort &&
      query.direction === this.query.direction
    ) {
      return;
    }
    this.query = query;
    this.generation += 1;
    this.dropOnArrival = true;
    this.range = { first: 0, last: 0 };
    // Typing faster than the engine answers: keep one request in flight and send only the latest
    // query when it returns, instead of queueing a scan per keystroke behind each other.
    if (this.outstanding > 0) {
      this.firstPageQueued = true;
    } else {
      this.fetch(0);
    }
    this.emit();
  }

  /** The data changed (a mutation): re-asks the visible pages, keeping the rows shown until they arrive. */
  refresh(): void {
    this.generation += 1;
    if (this.status === 'error') {
      this.dropOnArrival = true;
    }
    for (const page of this.pagesOf(this.range)) {
      this.fetch(page);
    }
    this.emit();
  }

  /** The rows the grid shows (inclusive indexes): fetches the pages among them not loaded for this generation. */
  ensureRange(first: number, last: number): void {
    this.range = { first: Math.max(0, first), last: Math.max(0, last) };
    if (this.firstPageQueued) {
      return; // its answer brings the total; the range is asked again then
    }
    for (const page of this.pagesOf(this.range)) {
      const cached = this.pages.get(page);
      if (
        cached?.generation !== this.generation &&
        this.inFlight.get(page) !== this.generation &&
        this.failed.get(page) !== this.generation
      ) {
        this.fetch(page);
      }
    }
  }

  private pagesOf(range: { first: number; last: number }): number[] {
    const firstPage = Math.floor(range.first / PAGE_SIZE);
    const lastPage = Math.max(firstPage, Math.floor(range.last / PAGE_SIZE));
    const pages: number[] = [];
    for (let page = firstPage; page <= lastPage; page += 1) {
      pages.push(page);
    }
    return pages;
  }

  private fetch(page: number): void {
    const generation = this.generation;
    const query = this.query;
    this.inFlight.set(page, generation);
    this.outstanding += 1;
    this.load({ ...query, offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then(
      (answer) => {
        this.settle(page, generation);
        if (generation !== this.generation) {
          return; // a newer query or refresh was asked meanwhile
        }
        if (this.dropOnArrival) {
          this.pages.clear();
          this.dropOnArrival = false;
        }
        this.pages.set(page, { generation, rows: answer.rows });
        this.evict();
        this.total = answer.total;
        this.shownGeneration = generation;
        this.shownTerm = query.term;
        this.status = 'ready';
        this.error = null;
        this.emit();
      },
      (error: unknown) => {
        this.settle(page, generation);
        if (generation !== this.generation) {
          return;
        }
        // Remembered, so the re-render this error causes does not ask for the page again (and again).
        this.failed.set(page, generation);
        this.error = errorMessage(error);
        if (this.status === 'loading') {
          this.status = 'error';
        }
        this.emit();
      },
    );
  }

  private settle(page: number, generation: number): void {
    this.outstanding -= 1;
    if (this.inFlight.get(page) === generation) {
      this.inFlight.delete(page);
    }
    if (this.firstPageQueued && this.outstanding === 0) {
      this.firstPageQueued = false;
      this.fetch(0);
    }
  }

  /** Keeps the {@link MAX_PAGES} pages nearest the visible range. */
  private evict(): void {
    if (this.pages.size <= MAX_PAGES) {
      return;
    }
    const centre = (this.range.first + this.range.last) / 2 / PAGE_SIZE;
    const byDistance = [...this.pages.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
    for (const page of byDistance.slice(0, this.pages.size - MAX_PAGES)) {
      this.pages.delete(page);
    }
  }

  private makeSnapshot(): TableSnapshot {
    const pages = new Map(this.pages);
    return {
      status: this.status,
      total: this.total,
      term: this.shownTerm,
      pending: this.shownGeneration !== this.generation || this.outstanding > 0 || this.firstPageQueued,
      error: this.error,
      rowAt: (index) => pages.get(Math.floor(index / PAGE_SIZE))?.rows[index % PAGE_SIZE],
    };
  }

  private emit(): void {
    this.snapshot = this.makeSnapshot();
    for (const listener of this.listeners) {
      listener();
    }
  }
}
