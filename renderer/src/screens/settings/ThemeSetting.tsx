import { useId, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { Settings } from '../../../../shared/domain/settings.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { useSettings } from '../../state/settings-store.ts';
import { saveSetting } from './save-setting.ts';

type Theme = Settings['theme'];

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/**
 * The colour theme as a segmented control: a radio group (one tab stop; arrow keys move and choose,
 * as the ARIA radio group pattern says). Applied at once; `system` follows the OS.
 */
export function ThemeSetting() {
  const theme = useSettings((state) => state.settings.theme);
  const [error, setError] = useState<string | null>(null);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const labelId = useId();
  const hintId = useId();

  const choose = async (next: Theme) => {
    setError(null);
    try {
      await saveSetting({ theme: next });
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? 1
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? -1
          : 0;
    if (step === 0) {
      return;
    }
    event.preventDefault();
    const nextIndex = (index + step + THEMES.length) % THEMES.length;
    const next = THEMES[nextIndex];
    if (next !== undefined) {
      buttons.current[nextIndex]?.focus();
      void choose(next.value);
    }
  };

  return (
    <div className="settings-row">
      <div className="settings-row__text">
        <span id={labelId} className="settings-row__label">
          Theme
        </span>
        <p id={hintId} className="settings-row__hint">
          Light or dark; System follows the operating system’s setting.
        </p>
      </div>
      <div className="settings-row__control">
        <div className="segmented" role="radiogroup" aria-labelledby={labelId} aria-describedby={hintId}>
          {THEMES.map((option, index) => (
            <button
              key={option.value}
              ref={(element) => {
                buttons.current[index] = element;
              }}
              type="button"
              role="radio"
              aria-checked={theme === option.value}
              tabIndex={theme === option.value ? 0 : -1}
              onClick={() => void choose(option.value)}
              onKeyDown={(event) => onKeyDown(event, index)}
            >
              {option.label}
            </button>
          ))}
        </div>
        {error !== null && (
          <p className="field__error settings-row__message" role="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
