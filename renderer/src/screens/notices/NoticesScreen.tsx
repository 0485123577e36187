import { useCallback, useEffect, useState } from 'react';
import { call, onEvent } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { useNoticeCount } from '../../state/notices-store.ts';
import { toast } from '../../state/toast-store.ts';
import { useNow } from '../../time/use-time.ts';
import { Empty, ErrorState, Loading } from '../../ui/States.tsx';
import type { Notice } from './notice-kinds.ts';
import { NoticeItem } from './NoticeItem.tsx';
import './notices.css';

/** `notices.list` answers at most this many (the newest). */
const LIMIT = 1000;

type Loaded =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; notices: Notice[]; at: number };

/** Refreshes the sidebar's unread count (a failure there is not worth a message of its own). */
function refreshCount(): void {
  useNoticeCount
    .getState()
    .refresh()
    .catch(() => undefined);
}

/**
 * Notices (docs/domain-rules.md): before keys expire, when grace periods end, when keys expired or were rotated,
 * newest first. Live: new ones appear as main fires them (`notices.fired`).
 */
export function NoticesScreen() {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [show, setShow] = useState<'all' | 'unread'>('all');
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const ticking = useNow(15_000);

  const load = useCallback(
    () =>
      call('notices.list', { limit: LIMIT, includeSuperseded: true }).then(
        (notices) => setLoaded({ state: 'ready', notices, at: Date.now() }),
        (error: unknown) => setLoaded({ state: 'failed', message: errorMessage(error) }),
      ),
    [],
  );

  useEffect(() => {
    void load();
    return onEvent('notices.fired', ({ notices }) => {
      setFresh(new Set(notices.map((notice) => notice.id)));
      setAnnouncement(notices.length === 1 ? '1 new notice' : `${notices.length} new notices`);
      void load();
    });
  }, [load]);

  const notices = loaded.state === 'ready' ? loaded.notices : [];
  // "2 h ago" is measured from the later of the ticking clock and the last load (which follows an event).
  const now = loaded.state === 'ready' ? Math.max(ticking, loaded.at) : ticking;
  const unread = notices.filter((notice) => notice.readAt === null).length;
  const shown = show === 'unread' ? notices.filter((notice) => notice.readAt === null) : notices;

  const markRead = async (input: { ids: string[] } | { all: true }) => {
    if (busy || ('all' in input && unread === 0)) {
      return;
    }
    setBusy(true);
    try {
      const { marked } = await call('notices.markRead', input);
      setAnnouncement('all' in input ? `${marked} marked read` : 'Marked read');
      await load();
      refreshCount();
    } catch (error) {
      toast('error', errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="screen notices" aria-labelledby="screen-title">
      <header className="screen__header">
        <h1 id="screen-title">Notices</h1>
        {loaded.state === 'ready' && notices.length > 0 && (
          <>
            <span className="muted" data-testid="notices-unread">
              {unread === 0 ? 'All read' : `${unread} unread`} · {notices.length} in all
            </span>
            <div className="segmented" role="group" aria-label="Show">
              <button type="button" aria-pressed={show === 'all'} onClick={() => setShow('all')}>
                All
              </button>
              <button type="button" aria-pressed={show === 'unread'} onClick={() => setShow('unread')}>
                Unread
              </button>
            </div>
            <button
              type="button"
              className="button"
              aria-disabled={busy || unread === 0}
              onClick={() => void markRead({ all: true })}
            >
              Mark all read
            </button>
          </>
        )}
      </header>
      <p className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {announcement}
      </p>
      {loaded.state === 'loading' && <Loading label="Loading notices…" />}
      {loaded.state === 'failed' && <ErrorState message={loaded.message} onRetry={() => void load()} />}
      {loaded.state === 'ready' && notices.length === 0 && (
        <Empty title="No notices — Keyward tells you here (and with a system notification) before keys expire">
          <p>Notices also cover grace periods that end soon, expired keys and automatic rotations.</p>
        </Empty>
      )}
      {loaded.state === 'ready' && notices.length > 0 && shown.length === 0 && (
        <Empty title="No unread notices">
          <button type="button" className="button" onClick={() => setShow('all')}>
            Show all notices
          </button>
        </Empty>
      )}
      {shown.length > 0 && (
        <ul
          className="notices-list"
          aria-label={show === 'unread' ? 'Unread notices' : 'All notices, newest first'}
        >
          {shown.map((notice) => (
            <NoticeItem
              key={notice.id}
              notice={notice}
              now={now}
              fresh={fresh.has(notice.id)}
              busy={busy}
              onMarkRead={(id) => markRead({ ids: [id] })}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
