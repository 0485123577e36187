import { useState } from 'react';
import type { FormEvent } from 'react';
import { formatDuration } from '../../../../shared/time/format-time.ts';
import { call } from '../../api/api.ts';
import { errorCode, errorMessage, IpcError } from '../../api/ipc-error.ts';
import { useNow } from '../../time/use-time.ts';
import { useVault } from '../../state/vault-store.ts';
import type { VaultStatus } from '../../state/vault-store.ts';
import { Field } from '../../ui/Field.tsx';
import { VaultCard } from './VaultGate.tsx';

const LOCK_REASONS: Record<string, string> = {
  idle: 'Keyward locked itself after a period without activity.',
  suspend: 'Keyward locked when the computer went to sleep.',
  'screen-lock': 'Keyward locked when the screen was locked.',
  manual: 'The vault is locked.',
};

/** Unlock with the master password (optionally remembering it) or with the OS keychain; shows backoff. */
export function UnlockScreen(props: { status: VaultStatus }) {
  const { status } = props;
  const setStatus = useVault((state) => state.setStatus);
  const lockReason = useVault((state) => state.lockReason);
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [retryAt, setRetryAt] = useState<number | null>(() =>
    status.lockout.retryAfterMs > 0 ? Date.now() + status.lockout.retryAfterMs : null,
  );
  const now = useNow(500);
  const waiting = retryAt !== null && retryAt > now;
  const canUseKeychain = status.keychain.available && status.keychain.remembered;

  const attempt = async (how: { password: string; remember: boolean } | { keychain: true }) => {
    setBusy(true);
    setError(null);
    try {
      setStatus(await call('vault.unlock', how));
    } catch (caught) {
      setPassword('');
      const code = errorCode(caught);
      if (caught instanceof IpcError && caught.retryAfterMs !== undefined && caught.retryAfterMs > 0) {
        setRetryAt(Date.now() + caught.retryAfterMs);
      }
      setError(code === 'WRONG_PASSWORD' ? 'That is not the master password.' : errorMessage(caught));
      setBusy(false);
      // Unlocked, then remembering failed: the vault is open all the same, so show it.
      if (code !== 'WRONG_PASSWORD' && code !== 'LOCKED_OUT') {
        void useVault.getState().refresh();
      }
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password === '') {
      setError('Enter your master password.');
      return;
    }
    void attempt({ password, remember });
  };

  return (
    <VaultCard title="Unlock Keyward" lead={LOCK_REASONS[lockReason ?? 'manual'] ?? LOCK_REASONS['manual']}>
      <form className="stack" onSubmit={submit} noValidate>
        <Field
          label="Master password"
          type="password"
          autoComplete="current-password"
          autoFocus
          value={password}
          readOnly={waiting}
          aria-disabled={waiting || undefined}
          onChange={(event) => setPassword(event.target.value)}
          error={waiting ? null : error}
        />
        {waiting && (
          // Announced once; the seconds tick visibly, not in the screen reader's ear.
          <p className="form-error">
            <span role="alert">Too many wrong attempts.</span>{' '}
            <span aria-hidden="true">Try again in {formatDuration(Math.max(1000, retryAt - now))}.</span>
            <span className="visually-hidden">
              {' '}
              Unlocking is paused; the password field opens again on its own.
            </span>
          </p>
        )}
        {status.keychain.available && !status.keychain.remembered && (
          <label className="check">
            <input
              type="checkbox"
              checked={remember}
              onChange={(event) => setRemember(event.target.checked)}
            />
            <span>
              Remember on this device
              <span className="check__hint">Next time, unlock with the OS keychain.</span>
            </span>
          </label>
        )}
        <button type="submit" className="button button--primary button--block" disabled={busy || waiting}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
        {canUseKeychain && (
          <button
            type="button"
            className="button button--block"
            disabled={busy}
            onClick={() => void attempt({ keychain: true })}
          >
            Unlock with the OS keychain
          </button>
        )}
        {status.keychain.deviceKeyInHeader && !status.keychain.remembered && (
          <p className="muted small">
            This vault was remembered on this device, but the OS keychain no longer has its key
            {status.keychain.reason === null ? '' : ` (${status.keychain.reason})`}. Use the master password.
          </p>
        )}
      </form>
    </VaultCard>
  );
}
