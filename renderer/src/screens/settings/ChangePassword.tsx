import { useState } from 'react';
import type { FormEvent } from 'react';
import {
  MASTER_PASSWORD_MAX_LENGTH,
  MASTER_PASSWORD_MIN_LENGTH,
} from '../../../../shared/domain/master-password.ts';
import { call } from '../../api/api.ts';
import { errorCode, errorMessage } from '../../api/ipc-error.ts';
import { toast } from '../../state/toast-store.ts';
import { Field } from '../../ui/Field.tsx';
import { FormError } from '../../ui/States.tsx';

/**
 * Changes the master password: the vault is re-keyed with a new data key, so the old password no
 * longer opens it (backups keep opening with the password they were made under). What is typed
 * lives in this component's state only and is dropped after the change.
 */
export function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);
  const [currentError, setCurrentError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const tooShort = next.length < MASTER_PASSWORD_MIN_LENGTH;
  const tooLong = next.length > MASTER_PASSWORD_MAX_LENGTH;
  const mismatch = confirm !== next;
  const nextError =
    (touched || next !== '') && tooShort
      ? `Use at least ${MASTER_PASSWORD_MIN_LENGTH} characters.`
      : tooLong
        ? `Use at most ${MASTER_PASSWORD_MAX_LENGTH} characters.`
        : null;
  // As you type: only once the confirmation is as long as the new password (or on submit).
  const confirmError =
    mismatch && (touched || (confirm !== '' && confirm.length >= next.length))
      ? 'The two passwords differ.'
      : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    setFormError(null);
    if (current === '') {
      setCurrentError('Enter your current master password.');
      return;
    }
    if (tooShort || tooLong || mismatch) {
      return;
    }
    setBusy(true);
    try {
      await call('vault.changePassword', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setConfirm('');
      setTouched(false);
      setCurrentError(null);
      toast('success', 'Master password changed');
    } catch (caught) {
      if (errorCode(caught) === 'WRONG_PASSWORD' || errorCode(caught) === 'LOCKED_OUT') {
        setCurrentError(errorMessage(caught));
        setCurrent('');
      } else {
        setFormError(errorMessage(caught));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="settings-subsection"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="settings-password-title"
    >
      <h3 id="settings-password-title">Change master password</h3>
      <p className="settings-row__hint">
        The vault is re-keyed with a new data key under the new password: the old password no longer opens it.
        Each backup still opens only with the password it was made under. The new password cannot be
        recovered: keep it somewhere safe.
      </p>
      <div className="settings-password">
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          error={currentError}
          onChange={(event) => {
            setCurrent(event.target.value);
            setCurrentError(null);
          }}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          hint={`At least ${MASTER_PASSWORD_MIN_LENGTH} characters.`}
          error={nextError}
          onChange={(event) => setNext(event.target.value)}
        />
        <Field
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          error={confirmError}
          onChange={(event) => setConfirm(event.target.value)}
        />
      </div>
      <FormError message={formError} />
      <div>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
