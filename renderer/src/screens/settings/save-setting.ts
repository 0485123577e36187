import type { Settings } from '../../../../shared/domain/settings.ts';
import { useSettings } from '../../state/settings-store.ts';

/**
 * Saves a change to the settings through the settings store: only the fields changed, so a change
 * made meanwhile elsewhere (the CLI on the same vault, another save in flight) is not overwritten.
 */
export function saveSetting(patch: Partial<Settings>): Promise<void> {
  return useSettings.getState().update(patch);
}
