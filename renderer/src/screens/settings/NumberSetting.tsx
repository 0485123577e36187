import { useId, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { errorMessage } from '../../api/ipc-error.ts';
import { saveSetting } from './save-setting.ts';
import type { NumericField } from './setting-fields.ts';
import { validateNumber } from './setting-fields.ts';
import { SettingRow } from './SettingRow.tsx';

/**
 * A whole-number setting, checked as you type against the settings schema and saved when you leave
 * the field or press Enter (Escape puts the saved value back). A null value ("never") disables the
 * number; `extra` is the control that turns it back on.
 */
export function NumberSetting(props: { field: NumericField; value: number | null; extra?: ReactNode }) {
  const { field } = props;
  const [draft, setDraft] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);
  // Enter then leaving the field must save once (state would lag a render behind).
  const inFlight = useRef(false);
  const id = useId();
  const hintId = useId();
  const errorId = useId();

  const text = draft ?? (props.value === null ? '' : String(props.value));
  const checked = draft === null ? null : validateNumber(field, draft);
  const error = checked !== null && !checked.ok ? checked.error : saveError;

  const save = async () => {
    if (checked === null || !checked.ok || inFlight.current) {
      return;
    }
    if (checked.value === props.value) {
      setDraft(null);
      return;
    }
    inFlight.current = true;
    setSaving(true);
    try {
      const outcome = await saveSetting({ [field.name]: checked.value });
      setDraft(null); // cancelled: back to the saved value
      setSaved(outcome === 'saved');
    } catch (caught) {
      setSaveError(errorMessage(caught));
    } finally {
      inFlight.current = false;
      setSaving(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void save();
    } else if (event.key === 'Escape' && draft !== null) {
      event.preventDefault();
      setDraft(null);
      setSaveError(null);
    }
  };

  return (
    <SettingRow
      controlId={id}
      label={field.label}
      hintId={hintId}
      hint={field.hint}
      errorId={errorId}
      error={error}
      saved={saved && draft === null}
    >
      <div className="settings-number">
        <input
          id={id}
          className="input settings-number__input"
          inputMode="numeric"
          autoComplete="off"
          value={props.value === null && draft === null ? '' : text}
          disabled={props.value === null}
          readOnly={saving}
          aria-describedby={error === null ? hintId : `${hintId} ${errorId}`}
          aria-invalid={error === null ? undefined : true}
          data-setting={field.name}
          onChange={(event) => {
            setDraft(event.target.value);
            setSaveError(null);
            setSaved(false);
          }}
          onBlur={() => void save()}
          onKeyDown={onKeyDown}
        />
        <span className="settings-number__unit">{field.unit}</span>
        {props.extra}
      </div>
    </SettingRow>
  );
}
