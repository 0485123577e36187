import { useState } from 'react';
import type { FormEvent } from 'react';
import { call } from '../../api/api.ts';
import { errorCode, errorMessage } from '../../api/ipc-error.ts';
import { useVault } from '../../state/vault-store.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { Field } from '../../ui/Field.tsx';

/**
 * First run on a new computer: bring a vault exported elsewhere (Settings → Backups → Export, or
 * `keyward export`). Asks for the master password it was exported with, then main asks for the file.
 */
export function ImportVaultDialog(props: { onClose: () => void }) {
  const setStatus = useVault((state) => state.setStatus);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password === '') {
      setError('Enter the master password the vault was exported with.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await call('vault.import', { password });
      if (result.imported) {
        setStatus(result.status);
        return;
      }
      setBusy(false); // the file dialog was cancelled
    } catch (caught) {
      setPassword('');
      setError(
        errorCode(caught) === 'WRONG_PASSWORD'
          ? 'That is not the master password of this export.'
          : errorMessage(caught),
      );
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Import an exported vault"
      description="Pick the export file next; it becomes this computer's vault, with the master password it was exported with."
      onClose={props.onClose}
    >
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <Field
          label="Master password of the export"
          type="password"
          autoComplete="current-password"
          autoFocus
          value={password}
          error={error}
          onChange={(event) => setPassword(event.target.value)}
        />
        <div className="dialog__actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Importing…' : 'Choose the file and import'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
