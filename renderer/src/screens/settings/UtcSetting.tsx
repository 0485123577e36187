import { useId, useState } from 'react';
import { errorMessage } from '../../api/ipc-error.ts';
import { useSettings } from '../../state/settings-store.ts';
import { useNow, useTimeFormat } from '../../time/use-time.ts';
import { saveSetting } from './save-setting.ts';
import { SettingRow, SettingSwitch } from './SettingRow.tsx';

/** The ISO 8601 UTC toggle: every timestamp on every screen follows it at once (the settings store). */
export function UtcSetting() {
  const utc = useSettings((state) => state.settings.utc);
  const time = useTimeFormat();
  const now = useNow(1000);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  // What was just chosen, shown at once while the engine saves it.
  const [pending, setPending] = useState<boolean | null>(null);
  const id = useId();
  const hintId = useId();
  const errorId = useId();

  const toggle = async (next: boolean) => {
    if (busy) {
      return;
    }
    setBusy(true);
    setPending(next);
    setError(null);
    setSaved(false);
    try {
      await saveSetting({ utc: next });
      setSaved(true);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(null);
      setBusy(false);
    }
  };

  return (
    <SettingRow
      controlId={id}
      label="ISO 8601 UTC timestamps"
      hintId={hintId}
      hint={
        <>
          Every time in the app, the CLI and exports in UTC with a <code>Z</code>; off, local time with its
          offset. Now:{' '}
          <time className="mono" data-testid="utc-example">
            {time.at(now)}
          </time>
        </>
      }
      errorId={errorId}
      error={error}
      saved={saved}
    >
      <SettingSwitch
        id={id}
        checked={pending ?? utc}
        busy={busy}
        describedBy={hintId}
        onChange={(on) => void toggle(on)}
      />
    </SettingRow>
  );
}
