import { useEffect } from 'react';
import { useSettings } from '../state/settings-store.ts';

/** Applies the theme setting: `system` follows the OS (prefers-color-scheme); light/dark force it. */
export function useTheme(): void {
  const theme = useSettings((state) => state.settings.theme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') {
      delete root.dataset['theme'];
    } else {
      root.dataset['theme'] = theme;
    }
  }, [theme]);
}
