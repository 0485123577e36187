import type { CSSProperties } from 'react';
import type { KeyTableRow } from '../../../../shared/domain/key-table.ts';
import type { TimeFormat } from '../../time/use-time.ts';
import { StatusChip } from '../../ui/StatusChip.tsx';
import { createdText, expiresText, graceText, lastUsedText, PLATFORM_LABELS } from './key-format.ts';
import type { TimeText } from './key-format.ts';

function TimeCell(props: { column: string; value: TimeText }) {
  const { value } = props;
  return (
    <div role="gridcell" className={`key-grid__cell key-grid__cell--${props.column} tone--${value.tone}`}>
      <span title={value.title ?? undefined}>{value.text}</span>
    </div>
  );
}

/**
 * One row of the key table, absolutely placed by the virtualiser (`style.transform` is CSSOM, which
 * the CSP allows). A row whose page has not arrived yet is a placeholder with the same height.
 */
export function KeyGridRow(props: {
  id: string;
  index: number;
  row: KeyTableRow | undefined;
  top: number;
  active: boolean;
  open: boolean;
  now: number;
  time: TimeFormat;
  onPick: (index: number) => void;
}) {
  const { row, now, time } = props;
  const style: CSSProperties = { transform: `translateY(${props.top}px)` };
  const className = [
    'key-grid__row',
    props.active ? 'key-grid__row--active' : '',
    props.open ? 'key-grid__row--open' : '',
    row === undefined ? 'key-grid__row--placeholder' : `key-grid__row--is-${row.key.status}`,
  ]
    .filter(Boolean)
    .join(' ');
  if (row === undefined) {
    return (
      <div id={props.id} role="row" aria-rowindex={props.index + 2} className={className} style={style}>
        <div role="gridcell" className="key-grid__cell key-grid__cell--loading">
          <span className="key-grid__skeleton" aria-hidden="true" />
          <span className="visually-hidden">Loading…</span>
        </div>
      </div>
    );
  }
  const { key } = row;
  return (
    <div
      id={props.id}
      role="row"
      aria-rowindex={props.index + 2}
      aria-selected={props.active}
      className={className}
      style={style}
      onClick={() => props.onPick(props.index)}
    >
      <div role="gridcell" className="key-grid__cell key-grid__cell--integration">
        <span className="key-grid__name">{row.integrationName}</span>
        {!row.enabled && <span className="tag tag--off">API off</span>}
      </div>
      <div role="gridcell" className="key-grid__cell key-grid__cell--platform">
        {PLATFORM_LABELS[row.platform]}
      </div>
      <div role="gridcell" className="key-grid__cell key-grid__cell--key mono">
        {key.masked}
      </div>
      <div role="gridcell" className="key-grid__cell key-grid__cell--status">
        <StatusChip status={key.status} />
      </div>
      <TimeCell column="expiresAt" value={expiresText(key, now, time)} />
      <TimeCell column="graceEndsAt" value={graceText(key, now, time)} />
      <TimeCell column="lastUsedAt" value={lastUsedText(key, now, time)} />
      <TimeCell column="createdAt" value={createdText(key, time)} />
    </div>
  );
}
