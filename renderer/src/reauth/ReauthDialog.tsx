import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { call } from '../api/api.ts';
import { errorCode, errorMessage, IpcError } from '../api/ipc-error.ts';
import { useNow } from '../time/use-time.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { Field } from '../ui/Field.tsx';
import { formatDuration } from '../../../shared/time/format-time.ts';
import { useReauth } from './reauth-store.ts';

type Method = 'password' | 'totp';

/** Why a re-authentication failed, in words; backoff says how long to wait. */
function failureText(error: unknown, method: Method): string {
  const code = errorCode(error);
  if (code === 'WRONG_PASSWORD') {
    return method === 'password'
      ? 'That is not the master password.'
      : 'That code is not valid (or was already used).';
  }
  return errorMessage(error);
}

/**
 * Asks for the master password or an authenticator code before a guarded action (reveal, copy,
 * revoke…). What is typed stays in this component's state and is dropped when it closes.
 */
export function ReauthDialog() {
  const request = useReauth((state) => state.request);
  if (request === null) {
    return null;
  }
  return <ReauthForm key={request.id} purpose={request.purpose} resolve={request.resolve} />;
}

function ReauthForm(props: { purpose: string; resolve: (confirmed: boolean) => void }) {
  const { resolve } = props;
  const [method, setMethod] = useState<Method>('password');
  const [totpEnrolled, setTotpEnrolled] = useState(false);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Backoff after repeated wrong answers: Confirm waits, and the wait counts down visibly.
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const now = useNow(500);
  const waiting = retryAt !== null && retryAt > now;

  useEffect(() => {
    call('reauth.status', {}).then(
      (status) => setTotpEnrolled(status.totpEnrolled),
      () => setTotpEnrolled(false),
    );
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (secret === '') {
      setError(method === 'password' ? 'Enter your master password.' : 'Enter the 6-digit code.');
      return;
    }
    if (method === 'totp' && !/^\d{6}$/.test(secret)) {
      setError('The code is 6 digits.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await (method === 'password'
        ? call('reauth.password', { password: secret })
        : call('reauth.totp', { code: secret }));
      setSecret('');
      resolve(true);
    } catch (caught) {
      setSecret('');
      if (caught instanceof IpcError && caught.code === 'LOCKED_OUT' && caught.retryAfterMs !== undefined) {
        setRetryAt(Date.now() + caught.retryAfterMs);
        setError(null);
      } else {
        setError(failureText(caught, method));
      }
      setBusy(false);
    }
  };

  const switchTo = (next: Method) => {
    setMethod(next);
    setSecret('');
    setError(null);
  };

  return (
    <Dialog
      title="Confirm it is you"
      description={
        <>
          <strong>{props.purpose}</strong> needs a fresh confirmation. It stays valid for a short while
          (Settings → Re-authentication window).
        </>
      }
      onClose={() => resolve(false)}
    >
      <form onSubmit={(event) => void submit(event)} className="stack">
        {totpEnrolled && (
          <div className="segmented" role="radiogroup" aria-label="Confirm with">
            <button
              type="button"
              role="radio"
              aria-checked={method === 'password'}
              onClick={() => switchTo('password')}
            >
              Master password
            </button>
            <button
              type="button"
              role="radio"
              aria-checked={method === 'totp'}
              onClick={() => switchTo('totp')}
            >
              Authenticator code
            </button>
          </div>
        )}
        {method === 'password' ? (
          <Field
            key="password"
            label="Master password"
            type="password"
            autoComplete="current-password"
            autoFocus
            value={secret}
            error={error}
            onChange={(event) => setSecret(event.target.value)}
          />
        ) : (
          <Field
            key="totp"
            label="Authenticator code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            autoFocus
            value={secret}
            error={error}
            onChange={(event) => setSecret(event.target.value.replace(/\D/g, ''))}
          />
        )}
        {waiting && (
          <p className="form-error">
            <span role="alert">Too many wrong attempts.</span>{' '}
            <span aria-hidden="true">Try again in {formatDuration(Math.max(1000, retryAt - now))}.</span>
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={() => resolve(false)}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy || waiting}>
            {busy ? 'Checking…' : 'Confirm'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
