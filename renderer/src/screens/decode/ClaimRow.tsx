import type { ReactNode } from 'react';

/** One term and its value in a report list; `claim` names the JWT claim it comes from. */
export function ClaimRow(props: { label: string; claim?: string; children: ReactNode }) {
  return (
    <div className="decode-claims__row">
      <dt>
        {props.label}
        {props.claim !== undefined && (
          <>
            {' '}
            <code>{props.claim}</code>
          </>
        )}
      </dt>
      <dd>{props.children}</dd>
    </div>
  );
}
