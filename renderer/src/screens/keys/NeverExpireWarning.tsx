import { useId } from 'react';

/** The risk of a key that never expires, in the words every never-expire confirmation uses. */
export const NEVER_EXPIRE_RISK =
  'It stays valid until someone revokes it: if it leaks, it keeps working for whoever holds it, and no rotation will replace it. Prefer a long rotation period. Turning this on asks you to confirm it is you and is recorded in the activity log.';

/** What the user ticks to confirm a key that never expires. */
export const NEVER_EXPIRE_ACK = 'I understand: this key keeps working until it is revoked.';

/**
 * Why a key that never expires is a risk, and the explicit confirmation it needs (docs/domain-rules.md: turning
 * never-expire on needs an explicit confirmation and is logged). Used by create, revoke and the
 * never-expire action alike, so the words are the same everywhere.
 */
export function NeverExpireWarning(props: {
  confirmed: boolean;
  onConfirmedChange: (confirmed: boolean) => void;
  error?: string | null | undefined;
}) {
  const errorId = useId();
  const invalid = props.error !== undefined && props.error !== null && props.error !== '';
  return (
    <div className="warning-box">
      <p>
        <strong>This key will never expire.</strong> {NEVER_EXPIRE_RISK}
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={props.confirmed}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? errorId : undefined}
          onChange={(event) => props.onConfirmedChange(event.target.checked)}
        />
        <span>{NEVER_EXPIRE_ACK}</span>
      </label>
      {invalid && (
        <div id={errorId} className="field__error" role="alert">
          {props.error}
        </div>
      )}
    </div>
  );
}
