import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { errorMessage } from '../api/ipc-error.ts';
import { Dialog } from './Dialog.tsx';
import { useStableCallback } from './use-stable-callback.ts';
import { FormError } from './States.tsx';

/**
 * Asks before an action: says what will happen, optionally makes the user tick an explicit
 * acknowledgement, runs `onConfirm` (busy while it runs) and shows its error in place. The caller
 * closes the dialog when the action succeeded; if it resolves without closing (a cancelled
 * re-authentication), the dialog stays for another try.
 */
export function ConfirmDialog(props: {
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  /** `danger` for destructive actions (red button, `alertdialog`). */
  tone?: 'primary' | 'danger';
  /** A checkbox the user must tick first, e.g. "I understand both keys stop at once". */
  acknowledge?: ReactNode;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [acknowledged, setAcknowledged] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onClose = useStableCallback(props.onClose);
  const danger = props.tone === 'danger';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    if (props.acknowledge !== undefined && !acknowledged) {
      setError('Tick the confirmation first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={props.title}
      description={props.description}
      onClose={onClose}
      role={danger ? 'alertdialog' : 'dialog'}
    >
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        {props.children}
        {props.acknowledge !== undefined && (
          <label className="check">
            <input
              type="checkbox"
              checked={acknowledged}
              onChange={(event) => setAcknowledged(event.target.checked)}
            />
            <span>{props.acknowledge}</span>
          </label>
        )}
        <FormError message={error} />
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className={danger ? 'button button--danger' : 'button button--primary'}
            disabled={props.acknowledge !== undefined && !acknowledged}
            aria-disabled={busy || undefined}
          >
            {busy ? (props.busyLabel ?? 'Working…') : props.confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
