import { ExportLogButtons } from './ExportLogButtons.tsx';
import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { Empty, ErrorState, Loading } from '../../ui/States.tsx';
import type { ActivityEntry } from './activity-types.ts';
import { ActivityTable } from './ActivityTable.tsx';
import { ChainBanner } from './ChainBanner.tsx';
import type { Verification } from './ChainBanner.tsx';
import './activity.css';

/** Entries per page. */
const PAGE = 200;

type Log =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; entries: ActivityEntry[]; hasMore: boolean };

/** Whether entries older than this page may exist. */
function more(page: ActivityEntry[]): boolean {
  return page.length === PAGE && (page.at(-1)?.seq ?? 0) > 1;
}

/**
 * The activity log (docs/domain-rules.md): append-only and hash-chained. The chain check leads the screen;
 * below it the entries, newest first, 200 at a time, filtered by action among those loaded.
 */
export function ActivityScreen() {
  const [log, setLog] = useState<Log>({ state: 'loading' });
  const [verification, setVerification] = useState<Verification>({ state: 'verifying' });
  const [filter, setFilter] = useState('');
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  // An entry to move the keyboard focus to once it is on screen (after "Load older", "Show entry").
  const focusSeq = useRef<number | null>(null);

  const load = useCallback(
    () =>
      call('log.list', { limit: PAGE }).then(
        (entries) => setLog({ state: 'ready', entries, hasMore: more(entries) }),
        (error: unknown) => setLog({ state: 'failed', message: errorMessage(error) }),
      ),
    [],
  );

  const check = useCallback(
    () =>
      call('log.verify', {}).then(
        (verdict) => setVerification({ state: 'done', verdict, at: Date.now() }),
        (error: unknown) => setVerification({ state: 'failed', message: errorMessage(error) }),
      ),
    [],
  );

  useEffect(() => {
    void load();
    void check();
  }, [load, check]);

  const verifyAgain = () => {
    if (verification.state === 'verifying') {
      return;
    }
    setVerification({ state: 'verifying' });
    void check();
  };

  const reload = () => {
    if (log.state === 'loading') {
      return;
    }
    setLog({ state: 'loading' });
    setMoreError(null);
    void load();
  };

  const loadOlder = async () => {
    if (log.state !== 'ready') {
      return;
    }
    const oldest = log.entries.at(-1)?.seq;
    if (oldest === undefined || loadingMore) {
      return;
    }
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await call('log.list', { limit: PAGE, beforeSeq: oldest });
      setLog((current) =>
        current.state === 'ready'
          ? { state: 'ready', entries: [...current.entries, ...page], hasMore: more(page) }
          : current,
      );
      // Keyboard users carry on from the first entry just loaded (the button may be gone).
      focusSeq.current = page[0]?.seq ?? null;
    } catch (error) {
      setMoreError(errorMessage(error));
    } finally {
      setLoadingMore(false);
    }
  };

  const tamperedSeq =
    verification.state === 'done' && !verification.verdict.ok ? verification.verdict.firstBadSeq : null;
  const entries = log.state === 'ready' ? log.entries : [];
  const term = filter.trim().toLowerCase();
  const shown = term === '' ? entries : entries.filter((entry) => entry.action.toLowerCase().includes(term));
  const tamperedLoaded = tamperedSeq !== null && entries.some((entry) => entry.seq === tamperedSeq);

  /** Scrolls to an entry and focuses it; false when it is not on screen. */
  const focusEntry = (seq: number): boolean => {
    const row = document.getElementById(`activity-entry-${seq}`);
    if (row === null) {
      return false;
    }
    row.scrollIntoView({ block: 'center', inline: 'nearest' });
    row.focus();
    return true;
  };

  const showEntry = (seq: number) => {
    if (!focusEntry(seq)) {
      focusSeq.current = seq;
      setFilter(''); // it was filtered out; the effect below focuses it once shown
    }
  };

  useEffect(() => {
    if (focusSeq.current !== null && focusEntry(focusSeq.current)) {
      focusSeq.current = null;
    }
  });

  return (
    <section className="screen activity" aria-labelledby="screen-title">
      <header className="screen__header">
        <h1 id="screen-title">Activity</h1>
        <button
          type="button"
          className="button button--small"
          onClick={reload}
          aria-disabled={log.state === 'loading'}
        >
          Reload
        </button>
        <ExportLogButtons />
      </header>
      <ChainBanner
        verification={verification}
        onVerify={verifyAgain}
        onShowEntry={tamperedLoaded ? showEntry : null}
      />
      {log.state === 'loading' && <Loading label="Loading the activity log…" />}
      {log.state === 'failed' && <ErrorState message={log.message} onRetry={reload} />}
      {log.state === 'ready' && entries.length === 0 && (
        <Empty title="The log is empty">
          <p>Everything done to the vault — unlocks, keys issued, copied or revoked — is recorded here.</p>
        </Empty>
      )}
      {log.state === 'ready' && entries.length > 0 && (
        <>
          <div className="row activity-toolbar">
            <label className="activity-filter">
              <span className="field__label">Filter by action</span>
              <input
                className="input"
                type="search"
                value={filter}
                placeholder="e.g. key.copy"
                spellCheck={false}
                onChange={(event) => setFilter(event.target.value)}
              />
            </label>
            <p className="muted small activity-count" role="status" aria-live="polite">
              {term === ''
                ? `${entries.length.toLocaleString('en-US')} ${entries.length === 1 ? 'entry' : 'entries'} loaded`
                : `${shown.length.toLocaleString('en-US')} of ${entries.length.toLocaleString('en-US')} loaded entries match`}
            </p>
          </div>
          {shown.length === 0 ? (
            <Empty title={`No loaded entry has an action containing “${filter.trim()}”`}>
              {log.hasMore && <p>Older entries are not loaded yet: the filter looks only at loaded ones.</p>}
            </Empty>
          ) : (
            <ActivityTable
              entries={shown}
              tamperedSeq={tamperedSeq}
              caption={`Activity log, newest first${term === '' ? '' : `, filtered by action “${filter.trim()}”`}`}
            />
          )}
          <div className="activity-more">
            {log.hasMore ? (
              <button
                type="button"
                className="button"
                onClick={() => void loadOlder()}
                aria-disabled={loadingMore}
              >
                {loadingMore ? 'Loading…' : 'Load older'}
              </button>
            ) : (
              <span className="muted small">Beginning of the log</span>
            )}
            {moreError !== null && (
              <span className="form-error" role="alert">
                {moreError}
              </span>
            )}
          </div>
        </>
      )}
    </section>
  );
}
