// The guarded copy actions the details panel and the "created" dialog share. Main writes the
// clipboard; the renderer only learns when it will be cleared and mirrors that in the top bar.
import { callUnlessCancelled } from '../../api/api.ts';
import { useClipboard } from '../../state/clipboard-store.ts';

/** Copies a key (after re-authentication when needed); false when the user cancelled. */
export async function copyKey(keyId: string, integrationName: string): Promise<boolean> {
  const result = await callUnlessCancelled(
    'keys.copy',
    { keyId },
    { purpose: `Copy the key of ${integrationName}` },
  );
  if (result === null) {
    return false;
  }
  useClipboard.getState().copied(`Key of ${integrationName}`, result.clearAt);
  return true;
}

/** Copies a freshly minted Secret (after re-authentication when needed); false when cancelled. */
export async function copySecret(integrationId: string, integrationName: string): Promise<boolean> {
  const result = await callUnlessCancelled(
    'secret.copy',
    { integrationId },
    { purpose: `Copy the Secret of ${integrationName}` },
  );
  if (result === null) {
    return false;
  }
  useClipboard.getState().copied(`Secret for ${integrationName}`, result.clearAt);
  return true;
}
