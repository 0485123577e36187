import { useEffect, useId, useRef } from 'react';
import type { KeyboardEvent, Ref } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { KeyTableSort, SortDirection } from '../../../../shared/domain/key-table.ts';
import { useNow, useTimeFormat } from '../../time/use-time.ts';
import type { KeyColumn } from './key-columns.ts';
import { KEY_COLUMNS } from './key-columns.ts';
import { KeyGridHeader } from './KeyGridHeader.tsx';
import { KeyGridRow } from './KeyGridRow.tsx';
import type { KeyTablePager, TableSnapshot } from './key-table-pager.ts';

/** Row and header heights in px: keep in step with keys.css (fixed heights: nothing is measured). */
const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 34;

/**
 * The key table: an ARIA grid over the engine's filtered, sorted rows, virtualised so the DOM holds
 * the same few dozen rows for 1 000 keys or 100 000. The grid itself is the focus stop (and the
 * scroll container); arrow keys move the active row (`aria-activedescendant`), Enter or Space
 * opens it.
 */
export function KeyGrid(props: {
  gridRef: Ref<HTMLDivElement>;
  pager: KeyTablePager;
  table: TableSnapshot;
  /** Changes whenever filter or order change: the grid scrolls back to the top. */
  queryKey: string;
  sort: KeyTableSort;
  direction: SortDirection;
  onSort: (column: KeyColumn) => void;
  activeIndex: number;
  /** The active row moved: `follow` when the user moved it (open details follow it), not on focus. */
  onActiveChange: (index: number, follow: boolean) => void;
  /** The row whose details are open, if any (by key id). */
  openKeyId: string | null;
  /** Open a row's details: `focus` when opened from the keyboard (focus moves into them). */
  onOpen: (index: number, focus: boolean) => void;
  onEscape: () => void;
}) {
  const { pager, table, activeIndex, onActiveChange, queryKey } = props;
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const gridId = useId();
  const time = useTimeFormat();
  const now = useNow(1000);
  // The React Compiler is not used in this project (no memoisation to break): the lint's
  // incompatible-library notice about TanStack Virtual does not apply.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: table.total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    pager.ensureRange(first, last);
  }, [pager, first, last, table]);

  useEffect(() => {
    virtualizer.scrollToOffset(0);
  }, [virtualizer, queryKey]);

  const rowId = (index: number) => `${gridId}-row-${index}`;
  const rendered = activeIndex >= first && activeIndex <= last && activeIndex < table.total;

  const moveTo = (index: number) => {
    if (table.total === 0) {
      return;
    }
    const next = Math.max(0, Math.min(table.total - 1, index));
    onActiveChange(next, true);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget || event.altKey || event.metaKey) {
      return; // a sort button has focus, or a shortcut of the shell
    }
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 2);
    const current = activeIndex < 0 ? -1 : activeIndex;
    let handled = true;
    switch (event.key) {
      case 'ArrowDown':
        moveTo(current + 1);
        break;
      case 'ArrowUp':
        moveTo(current <= 0 ? 0 : current - 1);
        break;
      case 'PageDown':
        moveTo(current + page);
        break;
      case 'PageUp':
        moveTo(current - page);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(table.total - 1);
        break;
      case 'Enter':
      case ' ':
        if (current >= 0) {
          props.onOpen(current, true);
        } else {
          moveTo(0);
        }
        break;
      case 'Escape':
        props.onEscape();
        break;
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  };

  const setRefs = (node: HTMLDivElement | null) => {
    scrollRef.current = node;
    const { gridRef } = props;
    if (typeof gridRef === 'function') {
      gridRef(node);
    } else if (gridRef !== null && gridRef !== undefined) {
      gridRef.current = node;
    }
  };

  return (
    <div
      ref={setRefs}
      role="grid"
      aria-label="Keys"
      aria-rowcount={table.total + 1}
      aria-colcount={KEY_COLUMNS.length}
      aria-busy={table.pending || undefined}
      aria-activedescendant={rendered ? rowId(activeIndex) : undefined}
      aria-keyshortcuts="ArrowUp ArrowDown PageUp PageDown Home End Enter Space"
      tabIndex={0}
      className="key-grid"
      onKeyDown={onKeyDown}
      onFocus={(event) => {
        if (event.target === event.currentTarget && activeIndex < 0 && table.total > 0) {
          onActiveChange(0, false);
        }
      }}
    >
      <KeyGridHeader sort={props.sort} direction={props.direction} onSort={props.onSort} />
      <div role="rowgroup" className="key-grid__body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = table.rowAt(item.index);
          return (
            <KeyGridRow
              key={item.index}
              id={rowId(item.index)}
              index={item.index}
              row={row}
              top={item.start - HEADER_HEIGHT}
              active={item.index === activeIndex}
              open={row !== undefined && row.key.id === props.openKeyId}
              now={now}
              time={time}
              onPick={(index) => {
                onActiveChange(index, true);
                props.onOpen(index, false);
              }}
            />
          );
        })}
      </div>
    </div>
  );
}
