// The guarded copy actions the details panel and the "created" dialog share. Main writes the
// clipboard; the renderer only learns when it will be cleared and mirrors that in the top bar.
import { call } from '../../api/api.ts';
import { guarded } from '../../reauth/reauth-store.ts';
import { useClipboard } from '../../state/clipboard-store.ts';

/** Copies a key (after re-authentication when needed); false when the user cancelled. */
export async function copyKey(keyId: string, integrationName: string): Promise<boolean> {
  const result = await guarded(`Copy the key of ${integrationName}`, () => call('keys.copy', { keyId }));
  if (result === null) {
    return false;
  }
  useClipboard.getState().copied(`Key of ${integrationName}`, result.clearAt);
  return true;
}

/** Copies a freshly minted Secret (after re-authentication when needed); false when cancelled. */
export async function copySecret(integrationId: string, integrationName: string): Promise<boolean> {
  const result = await guarded(`Copy the Secret of ${integrationName}`, () =>
    call('secret.copy', { integrationId }),
  );
  if (result === null) {
    return false;
  }
  useClipboard.getState().copied(`Secret for ${integrationName}`, result.clearAt);
  return true;
}
