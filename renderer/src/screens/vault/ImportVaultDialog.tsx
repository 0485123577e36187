import { call } from '../../api/api.ts';
import { useVault } from '../../state/vault-store.ts';
import { PasswordDialog } from '../../ui/PasswordDialog.tsx';

/**
 * First run on a new computer: bring a vault exported elsewhere (Settings → Backups → Export, or
 * `keyward export`). Asks for the master password it was exported with, then main asks for the file.
 */
export function ImportVaultDialog(props: { onClose: () => void }) {
  return (
    <PasswordDialog
      title="Import an exported vault"
      description="Pick the export file next; it becomes this computer's vault, with the master password it was exported with."
      label="Master password of the export"
      submitLabel="Choose the file and import"
      busyLabel="Importing…"
      messages={{
        empty: 'Enter the master password the vault was exported with.',
        wrong: 'That is not the master password of this export.',
      }}
      run={async (password) => {
        const result = await call('vault.import', { password });
        if (result.imported) {
          useVault.getState().setStatus(result.status);
        }
      }}
      onClose={props.onClose}
    />
  );
}
