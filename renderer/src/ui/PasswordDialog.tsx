import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { errorCode, errorMessage } from '../api/ipc-error.ts';
import { Dialog } from './Dialog.tsx';
import { Field } from './Field.tsx';

/**
 * A dialog that asks for a master password and runs one action with it (restore a backup, import
 * an export). A wrong password is said in words and the field cleared; the password lives only in
 * this component's state.
 */
export function PasswordDialog(props: {
  title: string;
  description: ReactNode;
  label: string;
  submitLabel: string;
  busyLabel: string;
  /** What to say for an empty field, and for WRONG_PASSWORD. */
  messages: { empty: string; wrong: string };
  tone?: 'primary' | 'danger';
  role?: 'dialog' | 'alertdialog';
  /** Runs the action; resolves once done (the caller closes or moves on), rejects with an IpcError. */
  run: (password: string) => Promise<void>;
  onClose: () => void;
}) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password === '') {
      setError(props.messages.empty);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.run(password);
    } catch (caught) {
      setPassword('');
      setError(errorCode(caught) === 'WRONG_PASSWORD' ? props.messages.wrong : errorMessage(caught));
    }
    setBusy(false);
  };

  return (
    <Dialog
      title={props.title}
      role={props.role ?? 'dialog'}
      description={props.description}
      onClose={props.onClose}
    >
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <Field
          label={props.label}
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
          <button
            type="submit"
            className={props.tone === 'danger' ? 'button button--danger' : 'button button--primary'}
            disabled={busy}
          >
            {busy ? props.busyLabel : props.submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
