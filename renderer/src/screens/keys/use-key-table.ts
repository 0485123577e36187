import { useEffect, useState, useSyncExternalStore } from 'react';
import { call } from '../../api/api.ts';
import { KeyTablePager } from './key-table-pager.ts';
import type { TableQuery, TableSnapshot } from './key-table-pager.ts';

/** The key table's pager (one per mounted screen) and what it shows now. */
export function useKeyTable(initial: () => TableQuery): { pager: KeyTablePager; table: TableSnapshot } {
  const [pager] = useState(() => new KeyTablePager(initial(), (query) => call('keys.table', query)));
  const table = useSyncExternalStore(pager.subscribe, pager.getSnapshot);
  useEffect(() => {
    pager.start();
  }, [pager]);
  return { pager, table };
}
