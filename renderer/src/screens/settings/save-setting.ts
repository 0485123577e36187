import type { Settings } from '../../../../shared/domain/settings.ts';
import { useSettings } from '../../state/settings-store.ts';

/**
 * Saves a change to the settings through the settings store.
 *
 * Sends the whole settings object with the change applied, not just the change: with zod 4,
 * `settingsPatchSchema` (`settingsSchema.partial()`) still fills every absent field with its default,
 * so a patch of one field would reset all the others (reported; fix in shared/domain/settings.ts by
 * building the patch schema from the fields without their defaults). Sending every field is correct
 * either way, and the engine logs only the fields that changed. Once the schema is fixed this can
 * send `patch` alone.
 */
export function saveSetting(patch: Partial<Settings>): Promise<void> {
  const { settings, update } = useSettings.getState();
  return update({ ...settings, ...patch });
}
