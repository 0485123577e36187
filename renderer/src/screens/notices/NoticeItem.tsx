import { useRef } from 'react';
import { useNav } from '../../state/nav-store.ts';
import { useTimeFormat } from '../../time/use-time.ts';
import type { Notice } from './notice-kinds.ts';
import { NOTICE_KINDS } from './notice-kinds.ts';
import { NoticeIcon } from './NoticeIcon.tsx';

/** A notice that fired this much after it was due was caught up (app closed, machine asleep). */
const CAUGHT_UP_MS = 60_000;

/**
 * One notice: its kind (icon, colour and word), the message, when it fired, and actions: open its
 * integration in the key table, mark it read. Unread ones stand out; superseded ones are muted.
 */
export function NoticeItem(props: {
  notice: Notice;
  now: number;
  fresh: boolean;
  busy: boolean;
  onMarkRead: (id: string) => Promise<void>;
}) {
  const { notice, now } = props;
  const time = useTimeFormat();
  const showInKeys = useNav((state) => state.showInKeys);
  const link = useRef<HTMLButtonElement>(null);
  const unread = notice.readAt === null;
  const kind = NOTICE_KINDS[notice.kind];
  const classes = [
    'notices-item',
    `notices-item--${kind.tone}`,
    unread ? 'notices-item--unread' : 'notices-item--read',
    notice.superseded ? 'notices-item--superseded' : '',
    props.fresh ? 'notices-item--fresh' : '',
  ].filter(Boolean);
  const titleId = `notice-${notice.id}`;
  return (
    <li
      className={classes.join(' ')}
      data-testid="notice"
      data-kind={notice.kind}
      data-unread={unread}
      aria-labelledby={titleId}
    >
      <NoticeIcon kind={notice.kind} />
      <div className="notices-item__body">
        <div className="notices-item__head">
          <span className="notices-item__kind">{kind.label}</span>
          {unread && <span className="notices-item__unread">Unread</span>}
          {notice.superseded && <span className="notices-item__tag">Superseded by a more urgent notice</span>}
          <span className="notices-item__time">
            <time dateTime={new Date(notice.firedAt).toISOString()} data-testid="notice-time">
              {time.at(notice.firedAt)}
            </time>{' '}
            <span className="muted">({time.relative(notice.firedAt, now)})</span>
            {notice.firedAt - notice.dueAt > CAUGHT_UP_MS && (
              <span className="muted">
                {' '}
                · due <time dateTime={new Date(notice.dueAt).toISOString()}>{time.at(notice.dueAt)}</time>
              </span>
            )}
          </span>
        </div>
        <p id={titleId} className="notices-item__message">
          {notice.message}
        </p>
        <div className="notices-item__actions">
          {notice.integrationId !== null && (
            <button
              ref={link}
              type="button"
              className="button button--small button--ghost notices-item__link"
              onClick={() => showInKeys(notice.integrationName)}
            >
              Show {notice.integrationName} in key table
            </button>
          )}
          {unread && (
            <button
              type="button"
              className="button button--small"
              aria-disabled={props.busy}
              onClick={() => {
                // The button goes once the notice is read: keep the keyboard focus in the notice.
                void props.onMarkRead(notice.id).then(() => link.current?.focus());
              }}
              aria-describedby={titleId}
            >
              Mark read
            </button>
          )}
        </div>
      </div>
    </li>
  );
}
