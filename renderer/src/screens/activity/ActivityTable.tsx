import { useTimeFormat } from '../../time/use-time.ts';
import type { ActivityEntry } from './activity-types.ts';
import { ActivityRow } from './ActivityRow.tsx';

/** The log's entries, newest first, in a dense table. */
export function ActivityTable(props: {
  entries: ActivityEntry[];
  tamperedSeq: number | null;
  caption: string;
}) {
  const time = useTimeFormat();
  return (
    <div className="activity-table-wrap">
      <table className="activity-table" data-testid="activity-table">
        <caption className="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time {time.utc ? '(UTC)' : '(local)'}</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Integration / key</th>
            <th scope="col">Outcome</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((entry) => (
            <ActivityRow
              key={entry.seq}
              entry={entry}
              time={time}
              tampered={entry.seq === props.tamperedSeq}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
