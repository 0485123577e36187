import { useState } from 'react';
import { errorMessage } from '../../api/ipc-error.ts';
import { DEFAULT_SETTINGS } from '../../../../shared/domain/settings.ts';
import { useSettings } from '../../state/settings-store.ts';
import { toast } from '../../state/toast-store.ts';
import { saveSetting } from './save-setting.ts';
import { NumberSetting } from './NumberSetting.tsx';
import { NUMERIC_FIELDS } from './setting-fields.ts';

/** Clipboard clearing: 10–300 seconds, or never (null). */
export function ClipboardSetting() {
  const value = useSettings((state) => state.settings.clipboardClearSeconds);
  const [busy, setBusy] = useState(false);
  // What was just chosen, shown at once while the engine saves it.
  const [pending, setPending] = useState<boolean | null>(null);

  const setNever = async (never: boolean) => {
    if (busy) {
      return;
    }
    setBusy(true);
    setPending(never);
    try {
      await saveSetting({
        clipboardClearSeconds: never ? null : (DEFAULT_SETTINGS.clipboardClearSeconds ?? 30),
      });
    } catch (error) {
      toast('error', errorMessage(error));
    } finally {
      setPending(null);
      setBusy(false);
    }
  };

  return (
    <NumberSetting
      field={NUMERIC_FIELDS.clipboardClearSeconds}
      value={value}
      extra={
        <label className="check settings-number__never">
          <input
            type="checkbox"
            checked={pending ?? value === null}
            onChange={(event) => void setNever(event.target.checked)}
          />
          <span>Never</span>
        </label>
      }
    />
  );
}
