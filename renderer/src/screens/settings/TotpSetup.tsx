import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { Output } from '../../../../shared/ipc/contract.ts';
import { call, callUnlessCancelled } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { toast } from '../../state/toast-store.ts';
import { Field } from '../../ui/Field.tsx';
import { ErrorState, FormError, Loading } from '../../ui/States.tsx';
import { QrCode } from './QrCode.tsx';

type Enrolment = Output<'totp.enrollBegin'>;
type Status =
  { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; enrolled: boolean };

/** The base32 secret in groups of four, as authenticator apps show it. */
function grouped(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * The authenticator (TOTP, RFC 6238): enrol by scanning a QR code (or typing the secret) and proving it
 * with a code; then a 6-digit code re-authenticates instead of the master password. Starting and
 * removing need a fresh re-authentication.
 */
export function TotpSetup() {
  const [status, setStatus] = useState<Status>({ state: 'loading' });
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    () =>
      call('reauth.status', {}).then(
        ({ totpEnrolled }) => setStatus({ state: 'ready', enrolled: totpEnrolled }),
        (caught: unknown) => setStatus({ state: 'failed', message: errorMessage(caught) }),
      ),
    [],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const begin = async () => {
    setBusy(true);
    setError(null);
    try {
      const started = await callUnlessCancelled(
        'totp.enrollBegin',
        {},
        { purpose: 'Set up an authenticator' },
      );
      if (started !== null) {
        setEnrolment(started);
        setCode('');
        setCodeError(null);
      }
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{6}$/.test(code)) {
      setCodeError('Enter the 6-digit code the authenticator shows.');
      return;
    }
    setBusy(true);
    setCodeError(null);
    try {
      await call('totp.enrollConfirm', { code });
      setEnrolment(null);
      setCode('');
      setStatus({ state: 'ready', enrolled: true });
      toast('success', 'Authenticator set up: use its codes to confirm it is you');
    } catch (caught) {
      setCode('');
      setCodeError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      const done = await callUnlessCancelled('totp.disable', {}, { purpose: 'Remove the authenticator' });
      if (done !== null) {
        setStatus({ state: 'ready', enrolled: false });
        toast('success', 'Authenticator removed');
      }
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="settings-subsection" aria-labelledby="settings-totp-title" data-testid="totp">
      <h3 id="settings-totp-title">Authenticator app</h3>
      <p className="settings-row__hint">
        Confirm it is you with a 6-digit code from an authenticator app (TOTP) instead of the master password.
      </p>
      {status.state === 'loading' && <Loading label="Checking the authenticator…" />}
      {status.state === 'failed' && <ErrorState message={status.message} onRetry={() => void load()} />}
      {status.state === 'ready' && enrolment === null && (
        <div className="row">
          <span
            className={status.enrolled ? 'settings-state settings-state--on' : 'settings-state'}
            data-testid="totp-state"
          >
            {status.enrolled ? 'Set up' : 'Not set up'}
          </span>
          {status.enrolled ? (
            <button
              type="button"
              className="button button--danger button--small"
              disabled={busy}
              onClick={() => void remove()}
            >
              Remove authenticator
            </button>
          ) : (
            <button
              type="button"
              className="button button--small"
              disabled={busy}
              onClick={() => void begin()}
            >
              Set up an authenticator
            </button>
          )}
        </div>
      )}
      <FormError message={error} />
      {enrolment !== null && (
        <div className="settings-totp">
          <QrCode
            size={enrolment.qr.size}
            modules={enrolment.qr.modules}
            label="QR code to scan with the authenticator app"
          />
          <form className="stack settings-totp__steps" onSubmit={(event) => void confirm(event)} noValidate>
            <ol className="settings-totp__list">
              <li>Scan the QR code with the authenticator app.</li>
              <li>
                Or enter this key by hand (time-based, 6 digits, 30 s):
                <span className="settings-secret mono" data-testid="totp-secret">
                  {grouped(enrolment.secret)}
                </span>
                <details className="settings-totp__uri">
                  <summary>Setup link (otpauth URI)</summary>
                  <code className="settings-uri" data-testid="totp-uri">
                    {enrolment.uri}
                  </code>
                </details>
              </li>
              <li>Enter the code the app shows, to prove it works.</li>
            </ol>
            <Field
              label="Code from the authenticator"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              autoFocus
              value={code}
              error={codeError}
              onChange={(event) => setCode(event.target.value.replace(/\D/g, ''))}
            />
            <div className="row">
              <button type="submit" className="button button--primary" disabled={busy}>
                {busy ? 'Checking…' : 'Confirm and turn on'}
              </button>
              <button type="button" className="button" onClick={() => setEnrolment(null)}>
                Cancel
              </button>
            </div>
            <p className="muted small">
              The key is shown only now. Anyone who has it can make codes: do not share it.
            </p>
          </form>
        </div>
      )}
    </section>
  );
}
