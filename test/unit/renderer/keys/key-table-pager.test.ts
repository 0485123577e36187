// The key table's page cache: stale answers dropped, one request in flight while typing, rows kept
// on screen until the new answer arrives, only the visible pages fetched, memory bounded.
import { describe, expect, it } from 'vitest';
import type { KeyTableRow } from '../../../../shared/domain/key-table.ts';
import { KeyTablePager, PAGE_SIZE } from '../../../../renderer/src/screens/keys/key-table-pager.ts';
import type { PageLoader, TableQuery } from '../../../../renderer/src/screens/keys/key-table-pager.ts';
import { IpcError } from '../../../../renderer/src/api/ipc-error.ts';

interface Pending {
  query: Parameters<PageLoader>[0];
  resolve: (answer: { total: number; rows: KeyTableRow[] }) => void;
  reject: (error: unknown) => void;
}

function row(index: number, term: string): KeyTableRow {
  return {
    key: {
      id: `${term}-key-${index}`,
      integrationId: `${term}-${index}`,
      masked: 'kw_abcde…',
      status: 'active',
      createdAt: 0,
      expiresAt: null,
      graceEndsAt: null,
      endedAt: null,
      lastUsedAt: null,
      replacedBy: null,
    },
    integrationName: `${term} ${index}`,
    platform: 'web',
    enabled: true,
    neverExpire: false,
  };
}

/** A loader whose answers the test hands out, in any order. */
function controlledLoader() {
  const pending: Pending[] = [];
  const load: PageLoader = (query) =>
    new Promise((resolve, reject) => {
      pending.push({ query, resolve, reject });
    });
  /** Answers request `at` with `total` rows named after its term. */
  const answer = async (at: number, total: number) => {
    const [request] = pending.splice(at, 1);
    if (request === undefined) {
      throw new Error(`no request #${at}`);
    }
    const { offset, limit, term } = request.query;
    const rows = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) =>
      row(offset + i, term),
    );
    request.resolve({ total, rows });
    await Promise.resolve();
    await Promise.resolve();
  };
  return { load, pending, answer };
}

const QUERY: TableQuery = { term: '', sort: 'integration', direction: 'asc' };

describe('KeyTablePager', () => {
  it('loads the first page once started, and reports loading, then ready with the total', async () => {
    const { load, pending, answer } = controlledLoader();
    const pager = new KeyTablePager(QUERY, load);
    expect(pager.getSnapshot().status).toBe('loading');
    pager.start();
    pager.start();
    expect(pending.map((request) => request.query)).toEqual([{ ...QUERY, offset: 0, limit: PAGE_SIZE }]);
    await answer(0, 1234);
    const table = pager.getSnapshot();
    expect(table.status).toBe('ready');
    expect(table.total).toBe(1234);
    expect(table.rowAt(0)?.integrationName).toBe(' 0');
    expect(table.rowAt(PAGE_SIZE)).toBeUndefined();
  });

  it('fetches only the pages of the visible range, once per generation', async () => {
    const { load, pending, answer } = controlledLoader();
    const pager = new KeyTablePager(QUERY, load);
    pager.start();
    await answer(0, 100_000);
    pager.ensureRange(49_990, 50_030);
    pager.ensureRange(49_991, 50_031);
    expect(pending.map((request) => request.query.offset)).toEqual([49_800, 50_000]);
    await answer(0, 100_000);
    await answer(0, 100_000);
    expect(pager.getSnapshot().rowAt(50_010)?.integrationName).toBe(' 50010');
    pager.ensureRange(49_990, 50_030);
    expect(pending).toHaveLength(0);
  });

  it('drops a stale answer, keeps the previous rows until the new query answers, and sends only the latest query while one is in flight', async () => {
    const { load, pending, answer } = controlledLoader();
    const pager = new KeyTablePager(QUERY, load);
    pager.start();
    await answer(0, 10);
    pager.setQuery({ ...QUERY, term: 'p' });
    pager.setQuery({ ...QUERY, term: 'pa' });
    pager.setQuery({ ...QUERY, term: 'pay' });
    // One request in flight ("p"); "pa" was never sent, "pay" waits for "p".
    expect(pending.map((request) => request.query.term)).toEqual(['p']);
    const during = pager.getSnapshot();
    expect(during.pending).toBe(true);
    expect(during.term).toBe('');
    expect(during.rowAt(0)?.integrationName).toBe(' 0');
    await answer(0, 5); // "p" answers: stale, dropped; "pay" goes out
    expect(pager.getSnapshot().term).toBe('');
    expect(pending.map((request) => request.query.term)).toEqual(['pay']);
    await answer(0, 2);
    const after = pager.getSnapshot();
    expect(after).toMatchObject({ term: 'pay', total: 2, pending: false, status: 'ready' });
    expect(after.rowAt(0)?.integrationName).toBe('pay 0');
  });

  it('sends a query at once when nothing is in flight (no debounce)', async () => {
    const { load, pending, answer } = controlledLoader();
    const pager = new KeyTablePager(QUERY, load);
    pager.start();
    await answer(0, 10);
    pager.setQuery({ ...QUERY, sort: 'createdAt', direction: 'desc' });
    expect(pending.map((request) => request.query)).toEqual([
      { term: '', sort: 'createdAt', direction: 'desc', offset: 0, limit: PAGE_SIZE },
    ]);
    pager.setQuery({ ...QUERY, sort: 'createdAt', direction: 'desc' });
    expect(pending).toHaveLength(1);
  });

  it('refresh re-asks the visible pages and keeps the stale rows meanwhile', async () => {
    const { load, pending, answer } = controlledLoader();
    const pager = new KeyTablePager(QUERY, load);
    pager.start();
    await answer(0, 500);
    pager.ensureRange(190, 230);
    await answer(0, 500);
    pager.refresh();
    expect(pending.map((request) => request.query.offset)).toEqual([0, 200]);
    expect(pager.getSnapshot().rowAt(210)?.integrationName).toBe(' 210');
    await answer(1, 499);
    expect(pager.getSnapshot().total).toBe(499);
    expect(pager.getSnapshot().rowAt(5)?.integrationName).toBe(' 5');
  });

  it('shows an error on the first load, and a refresh recovers', async () => {
    const { load, pending, answer } = controlledLoader();
    const pager = new KeyTablePager(QUERY, load);
    const seen: string[] = [];
    pager.subscribe(() => seen.push(pager.getSnapshot().status));
    pager.start();
    pending.shift()?.reject(new IpcError({ code: 'VAULT_LOCKED', message: 'The vault is locked.' }));
    await Promise.resolve();
    await Promise.resolve();
    expect(pager.getSnapshot()).toMatchObject({ status: 'error', error: 'The vault is locked.' });
    pager.refresh();
    await answer(0, 3);
    expect(pager.getSnapshot()).toMatchObject({ status: 'ready', error: null, total: 3 });
    expect(seen).toContain('error');
  });

  it('a page whose request failed is not asked again by the re-render the error causes', async () => {
    const { load, pending, answer } = controlledLoader();
    const pager = new KeyTablePager(QUERY, load);
    pager.start();
    await answer(0, 1000);
    pager.setQuery({ ...QUERY, term: 'x'.repeat(201) });
    pending.shift()?.reject(new IpcError({ code: 'INVALID_INPUT', message: 'keys.table: term: too long' }));
    await Promise.resolve();
    await Promise.resolve();
    // What the grid does on every snapshot: asks for its visible range again.
    for (let i = 0; i < 50; i++) {
      pager.ensureRange(0, 30);
    }
    expect(pending).toHaveLength(0);
    expect(pager.getSnapshot().error).toBe('keys.table: term: too long');
    pager.setQuery({ ...QUERY, term: 'ok' });
    expect(pending).toHaveLength(1);
  });

  it('keeps at most 20 pages in memory, the ones nearest the visible range', async () => {
    const { load, pending, answer } = controlledLoader();
    const pager = new KeyTablePager(QUERY, load);
    pager.start();
    await answer(0, 100_000);
    for (let page = 1; page < 40; page += 1) {
      pager.ensureRange(page * PAGE_SIZE, page * PAGE_SIZE + 30);
      while (pending.length > 0) {
        await answer(0, 100_000);
      }
    }
    const table = pager.getSnapshot();
    const loaded = Array.from({ length: 40 }, (_, page) => table.rowAt(page * PAGE_SIZE) !== undefined);
    expect(loaded.filter(Boolean)).toHaveLength(20);
    expect(loaded.slice(20)).toEqual(Array.from({ length: 20 }, () => true));
  });
});
