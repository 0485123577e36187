import { call } from '../../api/api.ts';
import { toast } from '../../state/toast-store.ts';
import { PasswordDialog } from '../../ui/PasswordDialog.tsx';

/**
 * Restores a backup: asks for the master password it was made with, says what happens (the vault
 * locks, today's vault is kept beside it), then main restores it and the app shows the unlock screen.
 */
export function RestoreBackupDialog(props: { name: string; made: string; onClose: () => void }) {
  return (
    <PasswordDialog
      title={`Restore the backup of ${props.made}`}
      role="alertdialog"
      tone="danger"
      description="The vault locks and comes back as it was then: changes made since are not in it. Today's vault is kept beside it, never deleted. Afterwards, unlock with the backup's master password."
      label="Master password of the backup"
      submitLabel="Restore backup"
      busyLabel="Restoring…"
      messages={{
        empty: 'Enter the master password this backup was made with.',
        wrong: 'That is not the master password of this backup.',
      }}
      run={async (password) => {
        const { previous } = await call('backup.restore', { name: props.name, password });
        toast(
          'success',
          previous === null
            ? `Restored the backup of ${props.made}. Unlock it with its master password.`
            : `Restored the backup of ${props.made}; the vault it replaced is kept as ${previous}.`,
        );
        props.onClose();
      }}
      onClose={props.onClose}
    />
  );
}
