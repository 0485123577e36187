import { useState } from 'react';
import type { FormEvent } from 'react';
import { MASTER_PASSWORD_MIN_LENGTH } from '../../../../shared/domain/master-password.ts';
import { call } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { useVault } from '../../state/vault-store.ts';
import type { VaultStatus } from '../../state/vault-store.ts';
import { Field } from '../../ui/Field.tsx';
import { ImportVaultDialog } from './ImportVaultDialog.tsx';
import { VaultCard } from './VaultGate.tsx';
import { FormError } from '../../ui/States.tsx';

/** First run: choose the master password that encrypts the vault. */
export function CreateVaultScreen(props: { status: VaultStatus }) {
  const setStatus = useVault((state) => state.setStatus);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [remember, setRemember] = useState(false);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [importing, setImporting] = useState(false);
  const keychain = props.status.keychain;

  const tooShort = password.length < MASTER_PASSWORD_MIN_LENGTH;
  const mismatch = confirm !== password;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (tooShort || mismatch) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setStatus(await call('vault.create', { password, remember }));
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
      // The vault may exist by now (created, then remembering failed): show the state it is in.
      void useVault.getState().refresh();
    }
  };

  return (
    <VaultCard
      title="Create your vault"
      lead="Keyward keeps your API keys in an encrypted file on this computer. Choose a master password: it cannot be recovered, so store it somewhere safe."
    >
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <Field
          label="Master password"
          type="password"
          autoComplete="new-password"
          autoFocus
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          hint={`At least ${MASTER_PASSWORD_MIN_LENGTH} characters; a passphrase of several words is best.`}
          error={touched && tooShort ? `Use at least ${MASTER_PASSWORD_MIN_LENGTH} characters.` : null}
        />
        <Field
          label="Confirm master password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(event) => setConfirm(event.target.value)}
          error={touched && !tooShort && mismatch ? 'The two passwords differ.' : null}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={remember}
            disabled={!keychain.available}
            onChange={(event) => setRemember(event.target.checked)}
          />
          <span>
            Remember on this device
            <span className="check__hint">
              {keychain.available
                ? 'Unlock with the OS keychain instead of typing the password.'
                : `Not available: ${keychain.reason ?? 'no OS keychain'}.`}
            </span>
          </span>
        </label>
        <FormError message={error} />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? 'Creating…' : 'Create vault'}
        </button>
        <button
          type="button"
          className="button button--ghost button--block"
          onClick={() => setImporting(true)}
        >
          Import a vault exported on another computer…
        </button>
      </form>
      {importing && <ImportVaultDialog onClose={() => setImporting(false)} />}
    </VaultCard>
  );
}
