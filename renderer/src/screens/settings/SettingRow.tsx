import type { ReactNode } from 'react';

/**
 * One setting: its label and one-line explanation on the left, the control on the right, and under
 * the control either its error or what just happened ("Saved"). Ids come from the caller, which wires
 * them to its control (`aria-describedby`).
 */
export function SettingRow(props: {
  controlId: string;
  label: string;
  hintId: string;
  hint: ReactNode;
  errorId: string;
  error: string | null;
  saved: boolean;
  children: ReactNode;
}) {
  return (
    <div className="settings-row">
      <div className="settings-row__text">
        <label className="settings-row__label" htmlFor={props.controlId}>
          {props.label}
        </label>
        <p id={props.hintId} className="settings-row__hint">
          {props.hint}
        </p>
      </div>
      <div className="settings-row__control">
        {props.children}
        {props.error !== null ? (
          <p id={props.errorId} className="field__error settings-row__message" role="alert">
            {props.error}
          </p>
        ) : (
          <p className="settings-row__message settings-row__saved" role="status">
            {props.saved ? 'Saved' : ''}
          </p>
        )}
      </div>
    </div>
  );
}

/**
 * The control of an on/off setting: a checkbox with the switch role (the label is the row's, by
 * `id`) and a visible On/Off that screen readers skip (the switch already says it).
 */
export function SettingSwitch(props: {
  id: string;
  checked: boolean;
  disabled?: boolean;
  busy: boolean;
  /** The row's hint, and its error while there is one. */
  describedBy: string;
  onChange: (on: boolean) => void;
}) {
  return (
    <span className="settings-switch">
      <input
        id={props.id}
        className="settings-switch__input"
        type="checkbox"
        role="switch"
        checked={props.checked}
        disabled={props.disabled}
        aria-busy={props.busy}
        aria-describedby={props.describedBy}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <span className="settings-switch__text" aria-hidden="true">
        {props.checked ? 'On' : 'Off'}
      </span>
    </span>
  );
}
