import { useCallback, useEffect, useRef, useState } from 'react';
import type { KeyTableSort, SortDirection } from '../../../../shared/domain/key-table.ts';
import { onEvent } from '../../api/api.ts';
import { useNav } from '../../state/nav-store.ts';
import { toast } from '../../state/toast-store.ts';
import { Empty, ErrorState, Loading } from '../../ui/States.tsx';
import { CreatedDialog } from './CreatedDialog.tsx';
import { IntegrationDetails } from './IntegrationDetails.tsx';
import { IntegrationDialog } from './IntegrationDialog.tsx';
import type { CreatedIntegration } from './IntegrationDialog.tsx';
import type { KeyColumn } from './key-columns.ts';
import type { TableQuery } from './key-table-pager.ts';
import { KeyGrid } from './KeyGrid.tsx';
import { KeysFilter } from './KeysFilter.tsx';
import { useKeyTable } from './use-key-table.ts';
import './keys.css';

type ScreenDialog = { kind: 'create' } | { kind: 'created'; created: CreatedIntegration };

interface OpenDetails {
  integrationId: string;
  keyId: string | null;
}

const NUMBER = new Intl.NumberFormat('en-US');

/** True when a key press is meant for a text field (or a dialog is open): screen shortcuts stay out of it. */
function typingOrModal(event: KeyboardEvent): boolean {
  const target = event.target instanceof Element ? event.target : null;
  return (
    document.querySelector('dialog[open]') !== null ||
    (target !== null && target.closest('input, textarea, select, [contenteditable="true"]') !== null)
  );
}

/**
 * The key table, the screen admins open every day: every key with its integration, filtered as you
 * type and sorted by the engine, virtualised; a details panel with every action on the selected
 * integration; create and edit. Keyboard: / or Ctrl+F filter, N new integration, arrows move,
 * Enter or Space opens, Escape closes the details or clears the filter.
 */
export function KeysScreen() {
  const [term, setTerm] = useState(() => useNav.getState().keysFilter ?? '');
  const [sort, setSort] = useState<KeyTableSort>('integration');
  const [direction, setDirection] = useState<SortDirection>('asc');
  const { pager, table } = useKeyTable((): TableQuery => ({ term, sort, direction }));
  const [activeIndex, setActiveIndex] = useState(-1);
  const [details, setDetails] = useState<OpenDetails | null>(null);
  const [focusDetails, setFocusDetails] = useState(false);
  const [reloadToken, setReloadToken] = useState(0);
  const [dialog, setDialog] = useState<ScreenDialog | null>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);

  const applyFilter = useCallback(
    (next: string) => {
      setTerm(next);
      setActiveIndex(-1);
      pager.setQuery({ term: next, sort, direction });
    },
    [pager, sort, direction],
  );

  // A filter another screen asked for (a notice's integration): taken once, now or while shown.
  useEffect(() => {
    useNav.getState().consumeKeysFilter();
    return useNav.subscribe((state) => {
      if (state.keysFilter !== null) {
        applyFilter(state.keysFilter);
        state.consumeKeysFilter();
      }
    });
  }, [applyFilter]);

  // Rotations and expiries happen on the engine's timers; a fired notice means the table changed.
  useEffect(
    () =>
      onEvent('notices.fired', () => {
        pager.refresh();
        setReloadToken((value) => value + 1);
      }),
    [pager],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey) {
        return;
      }
      const modifier = event.ctrlKey || event.metaKey;
      if (modifier && !event.shiftKey && event.key.toLowerCase() === 'f') {
        if (document.querySelector('dialog[open]') === null) {
          event.preventDefault();
          filterRef.current?.focus();
          filterRef.current?.select();
        }
        return;
      }
      if (modifier || typingOrModal(event)) {
        return;
      }
      if (event.key === '/') {
        event.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      } else if (event.key === 'n' || event.key === 'N') {
        event.preventDefault();
        setDialog({ kind: 'create' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const changed = useCallback(
    (message: string) => {
      pager.refresh();
      setReloadToken((value) => value + 1);
      toast('success', message);
    },
    [pager],
  );

  const refreshTable = useCallback(() => pager.refresh(), [pager]);

  const closeDetails = useCallback(() => {
    setDetails(null);
    gridRef.current?.focus();
  }, []);

  const deleted = useCallback(
    (name: string) => {
      setDetails(null);
      pager.refresh();
      toast('success', `Deleted ${name} and all its keys.`);
      // After the confirmation dialog has closed (while it is open the grid is inert).
      window.requestAnimationFrame(() => gridRef.current?.focus());
    },
    [pager],
  );

  const onFocused = useCallback(() => setFocusDetails(false), []);
  const closeDialog = useCallback(() => setDialog(null), []);

  const onSort = (column: KeyColumn) => {
    if (column.sort === null) {
      return;
    }
    const nextDirection =
      column.sort === sort ? (direction === 'asc' ? 'desc' : 'asc') : column.firstDirection;
    setSort(column.sort);
    setDirection(nextDirection);
    setActiveIndex(-1);
    pager.setQuery({ term, sort: column.sort, direction: nextDirection });
  };

  // With the details open, they follow the active row (a mail client's reading pane).
  const onActiveChange = (index: number, follow: boolean) => {
    setActiveIndex(index);
    const row = table.rowAt(index);
    if (follow && row !== undefined) {
      setDetails((current) =>
        current === null ? null : { integrationId: row.key.integrationId, keyId: row.key.id },
      );
    }
  };

  const openRow = (index: number, focus: boolean) => {
    const row = table.rowAt(index);
    if (row !== undefined) {
      setDetails({ integrationId: row.key.integrationId, keyId: row.key.id });
      setFocusDetails(focus);
    }
  };

  const onGridEscape = () => {
    if (details !== null) {
      setDetails(null);
    } else if (term !== '') {
      applyFilter('');
    }
  };

  const created = (result: CreatedIntegration) => {
    setDialog({ kind: 'created', created: result });
    setDetails({ integrationId: result.integration.id, keyId: result.key.id });
    pager.refresh();
    toast('success', `Created ${result.integration.name} with its first key.`);
  };

  const openCreate = () => setDialog({ kind: 'create' });

  let body;
  if (table.status === 'loading') {
    body = <Loading label="Loading keys…" />;
  } else if (table.status === 'error') {
    body = (
      <ErrorState
        message={`The keys could not be loaded: ${table.error ?? ''}`}
        onRetry={() => pager.refresh()}
      />
    );
  } else if (table.total === 0 && table.term === '') {
    body = (
      <Empty title="No integrations yet">
        <p>An integration is one system that calls your API. Create one to issue its first key.</p>
        <button type="button" className="button button--primary" onClick={openCreate}>
          Create the first integration
        </button>
      </Empty>
    );
  } else if (table.total === 0) {
    body = (
      <Empty title={`No keys match “${table.term}”`}>
        <p>The filter looks at integration names, key prefixes and masked keys, platforms and statuses.</p>
        <button type="button" className="button" onClick={() => applyFilter('')}>
          Clear the filter
        </button>
      </Empty>
    );
  } else {
    body = (
      <KeyGrid
        gridRef={gridRef}
        pager={pager}
        table={table}
        queryKey={`${term}\u0000${sort}\u0000${direction}`}
        sort={sort}
        direction={direction}
        onSort={onSort}
        activeIndex={activeIndex}
        onActiveChange={onActiveChange}
        openKeyId={details?.keyId ?? null}
        onOpen={openRow}
        onEscape={onGridEscape}
      />
    );
  }

  const count =
    table.status !== 'ready'
      ? ''
      : table.term === ''
        ? `${NUMBER.format(table.total)} ${table.total === 1 ? 'key' : 'keys'}`
        : `${NUMBER.format(table.total)} matching “${table.term}”`;

  return (
    <section className="screen keys-screen" aria-labelledby="screen-title">
      <header className="screen__header keys-screen__header">
        <h1 id="screen-title">Keys</h1>
        <span className="keys-screen__count muted" role="status" aria-live="polite">
          {count}
        </span>
        <span className="keys-screen__spacer" />
        <KeysFilter
          ref={filterRef}
          value={term}
          onChange={applyFilter}
          onLeave={() => {
            gridRef.current?.focus();
            if (activeIndex < 0 && table.total > 0) {
              setActiveIndex(0);
            }
          }}
        />
        <button type="button" className="button button--primary" aria-keyshortcuts="N" onClick={openCreate}>
          New integration
        </button>
      </header>
      {table.status === 'ready' && table.error !== null && (
        <p className="form-error" role="alert">
          Could not refresh the table: {table.error}{' '}
          <button type="button" className="button button--small" onClick={() => pager.refresh()}>
            Try again
          </button>
        </p>
      )}
      <div className={details === null ? 'keys-body' : 'keys-body keys-body--details'}>
        <div className="keys-body__table">{body}</div>
        {details !== null && (
          <IntegrationDetails
            integrationId={details.integrationId}
            selectedKeyId={details.keyId}
            reloadToken={reloadToken}
            focusPending={focusDetails}
            onFocused={onFocused}
            onClose={closeDetails}
            onChanged={changed}
            onTableStale={refreshTable}
            onDeleted={deleted}
          />
        )}
      </div>
      <p className="keys-screen__keys muted small" aria-hidden="true">
        <kbd>/</kbd> filter · <kbd>N</kbd> new integration · <kbd>↑</kbd>
        <kbd>↓</kbd> move · <kbd>Enter</kbd> details · <kbd>Esc</kbd> close or clear
      </p>
      {dialog?.kind === 'create' && (
        <IntegrationDialog mode="create" onClose={closeDialog} onCreated={created} />
      )}
      {dialog?.kind === 'created' && (
        <CreatedDialog
          created={dialog.created}
          onClose={() => {
            setDialog(null);
            // The form that had focus is gone: hand it to the new integration's details.
            setFocusDetails(details !== null);
          }}
        />
      )}
    </section>
  );
}
