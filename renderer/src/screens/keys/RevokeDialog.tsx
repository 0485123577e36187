import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiKeyView } from '../../../../shared/domain/api-key.ts';
import { graceDaysSchema, lifetimeDaysSchema, REVOKE_LIMITS } from '../../../../shared/domain/api-key.ts';
import type { Integration } from '../../../../shared/domain/integration.ts';
import { callUnlessCancelled } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { useNow, useTimeFormat } from '../../time/use-time.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { NumberField } from '../../ui/Field.tsx';
import { useStableCallback } from '../../ui/use-stable-callback.ts';
import { days } from './key-format.ts';
import { NeverExpireWarning } from './NeverExpireWarning.tsx';
import { FormError } from '../../ui/States.tsx';

const DAY_MS = 86_400_000;

const { graceDays: GRACE, lifetimeDays: LIFETIME } = REVOKE_LIMITS;

/**
 * A typed number of days checked with the domain's schema (the one the engine and the CLI use):
 * the value, or the schema's message as a sentence.
 */
function checkDays(
  text: string,
  schema: typeof graceDaysSchema,
): { value: number; error: null } | { value: null; error: string } {
  const trimmed = text.trim();
  const parsed = schema.safeParse(/^\d{1,4}$/.test(trimmed) ? Number(trimmed) : Number.NaN);
  if (parsed.success) {
    return { value: parsed.data, error: null };
  }
  const message = parsed.error.issues[0]?.message ?? 'invalid';
  return { value: null, error: `${message.charAt(0).toUpperCase()}${message.slice(1)}.` };
}

/**
 * Revoke the active key: a new key replaces it now; the admin chooses how long the old one keeps
 * working (grace, `REVOKE_LIMITS`; 0 stops it at once) and the new key's lifetime (days, or never,
 * which needs the never-expire confirmation). Says, with the computed end time, that both keys work
 * until the grace ends.
 */
export function RevokeDialog(props: {
  integration: Integration;
  activeKey: ApiKeyView | null;
  onClose: () => void;
  onRevoked: (created: ApiKeyView, graceDays: number) => void;
}) {
  const { integration, activeKey } = props;
  const time = useTimeFormat();
  const now = useNow(1000);
  const [grace, setGrace] = useState(String(integration.graceDays));
  const [mode, setMode] = useState<'days' | 'never'>(integration.neverExpire ? 'never' : 'days');
  const [lifetime, setLifetime] = useState(String(integration.rotationDays));
  const [neverConfirmed, setNeverConfirmed] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onClose = useStableCallback(props.onClose);
  const lifetimeId = useId();
  const lifetimeHintId = useId();
  const lifetimeErrorId = useId();

  const { value: graceDays, error: graceError } = checkDays(grace, graceDaysSchema);
  const lifetimeCheck = checkDays(lifetime, lifetimeDaysSchema);
  const lifetimeDays = lifetimeCheck.value;
  const lifetimeError = mode === 'days' ? lifetimeCheck.error : null;
  const neverError =
    mode === 'never' && !neverConfirmed ? 'Tick the confirmation for a key that never expires.' : null;
  const masked = activeKey?.masked ?? 'the current key';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    setSubmitted(true);
    setError(null);
    if (graceDays === null || lifetimeError !== null || neverError !== null) {
      return;
    }
    setBusy(true);
    try {
      const created = await callUnlessCancelled(
        'keys.revoke',
        {
          integrationId: integration.id,
          graceDays,
          newLifetimeDays: mode === 'never' ? null : lifetimeDays,
          ...(mode === 'never' ? { confirmNeverExpire: true } : {}),
        },
        { purpose: `Revoke the key of ${integration.name}` },
      );
      if (created !== null) {
        props.onRevoked(created, graceDays);
      }
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const graceEnd = graceDays === null ? null : now + graceDays * DAY_MS;
  return (
    <Dialog
      title={`Revoke the key of ${integration.name}`}
      description={
        <>
          A new key replaces <span className="mono">{masked}</span> now. Use this when the key may have
          leaked; for a routine change, rotate instead.
        </>
      }
      onClose={onClose}
      role="alertdialog"
    >
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <NumberField
          label="Grace period for the old key (days)"
          className="input input--days"
          bounds={GRACE}
          value={grace}
          error={submitted || grace.trim() !== '' ? graceError : null}
          hint={`${GRACE.min}–${GRACE.max}; this integration's usual grace is ${days(integration.graceDays)}.`}
          onChange={(event) => setGrace(event.target.value)}
        />
        <div className="revoke-outcome" aria-live="polite">
          {graceDays === null ? null : graceDays === 0 ? (
            <p className="revoke-outcome__text revoke-outcome__text--danger">
              <strong>Grace 0: the old key stops working at once.</strong> Every system still using it is
              refused until it gets the new key.
            </p>
          ) : (
            <p className="revoke-outcome__text">
              <strong>Both keys work until the grace ends</strong>: the old key keeps working for{' '}
              {days(graceDays)}, until <span className="mono">{time.at(graceEnd ?? now)}</span>. Systems can
              switch to the new key meanwhile without downtime; after that only the new key works.
            </p>
          )}
        </div>
        <fieldset className="fieldset">
          <legend className="field__label">The new key&apos;s lifetime</legend>
          <div className="lifetime-choice">
            <label className="check">
              <input
                type="radio"
                name="lifetime"
                checked={mode === 'days'}
                onChange={() => setMode('days')}
              />
              <span>Expires after</span>
            </label>
            <input
              id={lifetimeId}
              className="input lifetime-choice__days"
              type="number"
              inputMode="numeric"
              aria-label="New key lifetime in days"
              aria-describedby={
                lifetimeError !== null ? `${lifetimeHintId} ${lifetimeErrorId}` : lifetimeHintId
              }
              aria-invalid={lifetimeError !== null || undefined}
              min={LIFETIME.min}
              max={LIFETIME.max}
              value={lifetime}
              disabled={mode !== 'days'}
              onChange={(event) => setLifetime(event.target.value)}
            />
            <span>days</span>
            <span id={lifetimeHintId} className="field__hint">
              {LIFETIME.min}–{LIFETIME.max}
              {mode === 'days' && lifetimeDays !== null
                ? `: expires ${time.at(now + lifetimeDays * DAY_MS)}`
                : ''}
            </span>
          </div>
          {lifetimeError !== null && (
            <div id={lifetimeErrorId} className="field__error" role="alert">
              {lifetimeError}
            </div>
          )}
          <label className="check">
            <input
              type="radio"
              name="lifetime"
              checked={mode === 'never'}
              onChange={() => setMode('never')}
            />
            <span>Never expires</span>
          </label>
        </fieldset>
        {mode === 'never' && (
          <NeverExpireWarning
            confirmed={neverConfirmed}
            onConfirmedChange={setNeverConfirmed}
            error={submitted ? neverError : null}
          />
        )}
        <FormError message={error} />
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" aria-disabled={busy || undefined}>
            {busy ? 'Revoking…' : graceDays === 0 ? 'Revoke now' : 'Revoke with grace'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
