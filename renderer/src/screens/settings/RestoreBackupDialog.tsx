import { useState } from 'react';
import type { FormEvent } from 'react';
import { call } from '../../api/api.ts';
import { errorCode, errorMessage } from '../../api/ipc-error.ts';
import { toast } from '../../state/toast-store.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { Field } from '../../ui/Field.tsx';

/**
 * Restores a backup: asks for the master password it was made with, says what happens (the vault
 * locks, today's vault is kept beside it), then main restores it and the app shows the unlock screen.
 */
export function RestoreBackupDialog(props: { name: string; made: string; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password === '') {
      setError('Enter the master password this backup was made with.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { previous } = await call('backup.restore', { name: props.name, password });
      toast(
        'success',
        previous === null
          ? `Restored the backup of ${props.made}. Unlock it with its master password.`
          : `Restored the backup of ${props.made}; the vault it replaced is kept as ${previous}.`,
      );
      props.onClose();
    } catch (caught) {
      setPassword('');
      setError(
        errorCode(caught) === 'WRONG_PASSWORD'
          ? 'That is not the master password of this backup.'
          : errorMessage(caught),
      );
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={`Restore the backup of ${props.made}`}
      role="alertdialog"
      description="The vault locks and comes back as it was then: changes made since are not in it. Today's vault is kept beside it, never deleted. Afterwards, unlock with the backup's master password."
      onClose={props.onClose}
    >
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <Field
          label="Master password of the backup"
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
          <button type="submit" className="button button--danger" disabled={busy}>
            {busy ? 'Restoring…' : 'Restore backup'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
