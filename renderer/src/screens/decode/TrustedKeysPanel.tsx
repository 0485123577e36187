import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { Output } from '../../../../shared/ipc/contract.ts';
import { call } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';

type TrustedKey = Output<'decoder.trustedKeys'>['keys'][number];

/**
 * Public keys of other issuers the decoder may verify with: paste a JWKS, a JWK or a PEM public key.
 * Kept in main's memory until the vault locks — nothing is stored. `onChanged` re-decodes.
 */
export function TrustedKeysPanel(props: { onChanged: () => void }) {
  const [keys, setKeys] = useState<TrustedKey[]>([]);
  const [text, setText] = useState('');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const textId = useId();
  const errorId = useId();
  const labelId = useId();

  useEffect(() => {
    call('decoder.trustedKeys', {}).then(
      (answer) => setKeys(answer.keys),
      () => setKeys([]),
    );
  }, []);

  const trust = async (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === '') {
      setError('Paste a JWKS, a JWK or a PEM public key.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call('decoder.trust', { text, ...(label.trim() === '' ? {} : { label: label.trim() }) });
      setKeys((await call('decoder.trustedKeys', {})).keys);
      setText('');
      setLabel('');
      props.onChanged();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  const forget = async () => {
    try {
      await call('decoder.forgetTrusted', {});
      setKeys([]);
      props.onChanged();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  return (
    <details className="panel decode-trusted">
      <summary>
        Keys of other issuers{' '}
        <span className="muted">({keys.length === 0 ? 'none trusted' : `${keys.length} trusted`})</span>
      </summary>
      <form className="stack decode-trusted__form" onSubmit={(event) => void trust(event)} noValidate>
        <p className="muted small">
          To verify tokens another issuer signed, paste its public keys. They are kept in memory until the
          vault locks, never stored, and never fetched from anywhere.
        </p>
        <div className="field">
          <label className="field__label" htmlFor={textId}>
            JWKS, JWK or PEM public key
          </label>
          <textarea
            id={textId}
            className="textarea mono"
            value={text}
            spellCheck={false}
            aria-invalid={error === null ? undefined : true}
            aria-describedby={error === null ? undefined : errorId}
            onChange={(event) => setText(event.target.value)}
          />
          {error !== null && (
            <div id={errorId} className="field__error">
              {error}
            </div>
          )}
        </div>
        <div className="field">
          <label className="field__label" htmlFor={labelId}>
            Label (optional)
          </label>
          <input
            id={labelId}
            className="input"
            value={label}
            maxLength={100}
            placeholder="e.g. partner-idp.example.com"
            onChange={(event) => setLabel(event.target.value)}
          />
        </div>
        <div className="row">
          <button type="submit" className="button button--small button--primary" disabled={busy}>
            {busy ? 'Trusting…' : 'Trust these keys'}
          </button>
          {keys.length > 0 && (
            <button type="button" className="button button--small" onClick={() => void forget()}>
              Forget all
            </button>
          )}
        </div>
      </form>
      {keys.length > 0 && (
        <ul className="decode-trusted__list" aria-label="Trusted keys">
          {keys.map((key, index) => (
            <li key={`${key.thumbprint ?? key.label}-${index}`}>
              <strong>{key.label}</strong>{' '}
              <span className="muted small">
                {[key.type, key.curve, key.alg, key.kid === null ? null : `kid ${key.kid}`]
                  .filter((part) => part !== null)
                  .join(' · ')}
              </span>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
