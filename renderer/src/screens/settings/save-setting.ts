import type { Settings } from '../../../../shared/domain/settings.ts';
import { errorCode, REAUTH_CANCELLED } from '../../api/ipc-error.ts';
import { useSettings } from '../../state/settings-store.ts';

/** Cancelled: the user closed the re-authentication dialog, so nothing was saved. */
export const SAVE_CANCELLED = 'cancelled';

/**
 * Saves a change to the settings through the settings store: only the fields changed, so a change
 * made meanwhile elsewhere (the CLI on the same vault, another save in flight) is not overwritten.
 * A change that weakens a protection (clipboard clearing off or later, auto-lock off or later, a
 * longer re-authentication window or Secret lifetime) is refused by the engine until the user
 * confirms it is them: `call` (api.ts, the one re-authentication path; `settings.set` declares it in
 * the contract) opens the dialog and tries the save once more.
 * Resolves `'saved'`, or {@link SAVE_CANCELLED} when the dialog was cancelled.
 */
export async function saveSetting(patch: Partial<Settings>): Promise<'saved' | typeof SAVE_CANCELLED> {
  try {
    await useSettings.getState().update(patch);
    return 'saved';
  } catch (error) {
    if (errorCode(error) === REAUTH_CANCELLED) {
      return SAVE_CANCELLED;
    }
    throw error;
  }
}
