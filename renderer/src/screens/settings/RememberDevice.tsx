import { useId, useState } from 'react';
import { callUnlessCancelled } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { toast } from '../../state/toast-store.ts';
import { useVault } from '../../state/vault-store.ts';
import { SettingRow, SettingSwitch } from './SettingRow.tsx';

/** "Remember on this device": the data key in the OS keychain, so unlocking needs no password. */
export function RememberDevice() {
  const status = useVault((state) => state.status);
  const setStatus = useVault((state) => state.setStatus);
  const [busy, setBusy] = useState(false);
  // What was just chosen, shown at once while the keychain is written.
  const [pending, setPending] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const id = useId();
  const hintId = useId();
  const errorId = useId();
  const keychain = status?.keychain ?? null;

  const change = async (remember: boolean) => {
    if (busy) {
      return;
    }
    setBusy(true);
    setPending(remember);
    setError(null);
    setSaved(false);
    try {
      // Remembering weakens a protection: main asks for a re-authentication first (`call` asks).
      const next = await callUnlessCancelled(
        'vault.remember',
        { remember },
        { purpose: 'Remember the vault on this device' },
      );
      if (next === null) {
        return; // cancelled: nothing changed
      }
      setStatus(next);
      setSaved(true);
      toast('success', remember ? 'Remembered on this device' : 'Forgotten on this device');
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPending(null);
      setBusy(false);
    }
  };

  let hint: string;
  if (keychain === null) {
    hint = 'Checking the OS keychain…';
  } else if (!keychain.available) {
    hint = `Not available: ${keychain.reason ?? 'no OS keychain'}. The master password is needed at every unlock.`;
  } else if (keychain.remembered) {
    hint = 'The OS keychain holds this vault’s key: unlock without typing the master password.';
  } else {
    hint = 'Keep this vault’s key in the OS keychain to unlock without typing the master password.';
  }

  return (
    <SettingRow
      controlId={id}
      label="Remember on this device"
      hintId={hintId}
      hint={hint}
      errorId={errorId}
      error={error}
      saved={saved}
    >
      <SettingSwitch
        id={id}
        checked={pending ?? keychain?.remembered ?? false}
        disabled={keychain === null || (!keychain.available && !keychain.remembered)}
        busy={busy}
        describedBy={error === null ? hintId : `${hintId} ${errorId}`}
        onChange={(on) => void change(on)}
      />
    </SettingRow>
  );
}
