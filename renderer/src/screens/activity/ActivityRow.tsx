import type { TimeFormat } from '../../time/use-time.ts';
import type { ActivityEntry } from './activity-types.ts';

const OUTCOMES: Record<string, string> = { success: 'Success', failure: 'Failure', denied: 'Denied' };

/** Details as `name=value` pairs, one line; instants (`…At` numbers) in the app's time format. */
function compact(details: ActivityEntry['details'], time: TimeFormat): string {
  return Object.entries(details)
    .map(([name, value]) => {
      const shown =
        typeof value === 'number' && name.endsWith('At')
          ? time.at(value)
          : value === null
            ? 'null'
            : String(value);
      return `${name}=${shown}`;
    })
    .join(' · ');
}

/** One entry of the log; `tampered` marks the first entry the chain check rejected. */
export function ActivityRow(props: { entry: ActivityEntry; time: TimeFormat; tampered: boolean }) {
  const { entry, time } = props;
  const details = compact(entry.details, time);
  return (
    <tr
      id={`activity-entry-${entry.seq}`}
      className={props.tampered ? 'activity-row activity-row--tampered' : 'activity-row'}
      tabIndex={-1}
      data-testid="activity-row"
      data-seq={entry.seq}
    >
      <td className="activity-cell--seq">
        {props.tampered && <span className="activity-row__flag">Tampered </span>}#{entry.seq}
      </td>
      <td className="activity-cell--time">
        <time dateTime={new Date(entry.at).toISOString()} data-testid="activity-time">
          {time.at(entry.at)}
        </time>
      </td>
      <td className="activity-cell--actor">{entry.actor}</td>
      <td className="activity-cell--action">
        <code>{entry.action}</code>
      </td>
      <td className="activity-cell--ids">
        {entry.integrationId === null && entry.keyId === null && <span className="muted">—</span>}
        {entry.integrationId !== null && (
          <span className="activity-id" title={`Integration ${entry.integrationId}`}>
            {entry.integrationName ?? (
              <>
                <span className="muted">int </span>
                {entry.integrationId.slice(0, 8)}
              </>
            )}
          </span>
        )}
        {entry.keyId !== null && (
          <span className="activity-id" title={`Key ${entry.keyId}`}>
            <span className="muted">key </span>
            {entry.keyId.slice(0, 8)}
          </span>
        )}
      </td>
      <td>
        <span
          className={`activity-outcome activity-outcome--${entry.outcome in OUTCOMES ? entry.outcome : 'other'}`}
        >
          {OUTCOMES[entry.outcome] ?? entry.outcome}
        </span>
      </td>
      <td className="activity-cell--details">
        {details === '' ? <span className="muted">—</span> : details}
      </td>
    </tr>
  );
}
