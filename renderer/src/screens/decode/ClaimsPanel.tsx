import type { ValidityState } from '../../../../shared/time/format-time.ts';
import { describeValidity } from '../../../../shared/time/format-time.ts';
import { ClaimRow } from './ClaimRow.tsx';
import type { DecodedJws, IssuerKind, TimeValue } from './decode-report.ts';
import { TimeText } from './TimeText.tsx';

const VALIDITY_LABELS: Record<ValidityState, string> = {
  valid: 'Valid',
  expired: 'Expired',
  'not-yet-valid': 'Not yet valid',
  'no-expiry': 'Valid, no expiry',
};

const ISSUER_NOTES: Record<IssuerKind, string | null> = {
  'this-vault': 'this vault',
  keyward: 'another Keyward vault',
  other: 'not a Keyward vault',
  none: null,
};

function text(value: string | null, note: string | null = null) {
  return value === null ? (
    <span className="muted">not set</span>
  ) : (
    <>
      <span className="mono decode-claims__value">{value}</span>
      {note !== null && <span className="muted"> — {note}</span>}
    </>
  );
}

function time(value: TimeValue | null, now: number) {
  return value === null ? (
    <span className="muted">not set</span>
  ) : (
    <TimeText epochMs={value.epochMs} now={now} />
  );
}

/**
 * Validity and the registered claims. Validity is recomputed from `nbf`/`exp` as time passes, so a
 * token that expires while it is on screen reads expired (the engine's verdict is a snapshot).
 */
export function ClaimsPanel(props: { token: DecodedJws; now: number }) {
  const { registered, validity, issuer } = props.token;
  const live =
    validity === null ? null : describeValidity(registered.nbf?.epochMs, registered.exp?.epochMs, props.now);
  const audience =
    registered.aud === null
      ? null
      : Array.isArray(registered.aud)
        ? registered.aud.join(', ')
        : registered.aud;
  return (
    <section className="panel decode-card" aria-labelledby="decode-claims-title">
      <div className="decode-card__head">
        <h2 id="decode-claims-title">Validity and claims</h2>
        {live !== null && (
          <span
            className={`decode-validity decode-validity--${live.state}`}
            data-testid="validity"
            data-state={live.state}
          >
            {VALIDITY_LABELS[live.state]}
          </span>
        )}
      </div>
      <p className="decode-card__lead" data-testid="validity-text">
        {live === null ? 'The payload is not a claims object: there is no validity to check.' : live.text}
      </p>
      <dl className="decode-claims">
        <ClaimRow label="Issuer" claim="iss">
          {text(registered.iss, ISSUER_NOTES[issuer])}
        </ClaimRow>
        <ClaimRow label="Subject" claim="sub">
          {text(registered.sub)}
        </ClaimRow>
        {audience !== null && (
          <ClaimRow label="Audience" claim="aud">
            {text(audience)}
          </ClaimRow>
        )}
        {registered.jti !== null && (
          <ClaimRow label="Token id" claim="jti">
            {text(registered.jti)}
          </ClaimRow>
        )}
        <ClaimRow label="Issued" claim="iat">
          {time(registered.iat, props.now)}
        </ClaimRow>
        <ClaimRow label="Not before" claim="nbf">
          {time(registered.nbf, props.now)}
        </ClaimRow>
        <ClaimRow label="Expires" claim="exp">
          {time(registered.exp, props.now)}
        </ClaimRow>
      </dl>
    </section>
  );
}
