import type { KeyTableSort, SortDirection } from '../../../../shared/domain/key-table.ts';
import { KEY_COLUMNS } from './key-columns.ts';
import type { KeyColumn } from './key-columns.ts';

/** The key table's header row: one sort button per sortable column, `aria-sort` on the sorted one. */
export function KeyGridHeader(props: {
  sort: KeyTableSort;
  direction: SortDirection;
  onSort: (column: KeyColumn) => void;
}) {
  return (
    <div role="rowgroup" className="key-grid__head">
      <div role="row" aria-rowindex={1} className="key-grid__row key-grid__row--head">
        {KEY_COLUMNS.map((column) => {
          const sorted = column.sort !== null && column.sort === props.sort;
          const ariaSort = sorted ? (props.direction === 'asc' ? 'ascending' : 'descending') : undefined;
          return (
            <div
              key={column.id}
              role="columnheader"
              aria-sort={ariaSort}
              className={`key-grid__cell key-grid__cell--${column.id}`}
            >
              {column.sort === null ? (
                <span className="key-grid__label">{column.label}</span>
              ) : (
                <button type="button" className="key-grid__sort" onClick={() => props.onSort(column)}>
                  <span>{column.label}</span>
                  <span className="key-grid__arrow" aria-hidden="true">
                    {sorted ? (props.direction === 'asc' ? '▲' : '▼') : '↕'}
                  </span>
                </button>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
