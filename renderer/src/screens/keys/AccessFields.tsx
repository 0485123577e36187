import { useId } from 'react';
import { ACCEPTED_CREDENTIALS } from '../../../../shared/sync/accepted-credential.ts';
import type { AcceptedCredential } from '../../../../shared/sync/accepted-credential.ts';
import { NumberField } from '../../ui/Field.tsx';
import { RATE_LIMIT_BOUNDS } from './integration-form.ts';

/** The accepted-credential choices, in words, with the one line that explains each. */
export const ACCEPTS_LABELS: Readonly<Record<AcceptedCredential, { label: string; hint: string }>> = {
  'key-or-secret': { label: 'Key or Secret', hint: 'The raw key or a Secret carrying it (the default).' },
  'secret-only': {
    label: 'Secret only',
    hint: 'A raw key is refused: a leaked Secret stops working when it expires (hours), not the key (a year).',
  },
  'key-only': { label: 'Key only', hint: 'Only the raw key; Secrets are refused.' },
};

/** "100 requests per 60 s (1 min)". */
export function describeRateLimit(limit: { requests: number; windowSeconds: number } | null): string {
  if (limit === null) {
    return 'None';
  }
  const { requests, windowSeconds } = limit;
  const named: Record<number, string> = { 1: 'second', 60: 'minute', 3600: 'hour', 86_400: 'day' };
  const per = named[windowSeconds] ?? `${windowSeconds} s`;
  return `${requests.toLocaleString('en-US')} ${requests === 1 ? 'request' : 'requests'} per ${per}`;
}

/**
 * What the server enforces for an integration: which credential it accepts (key or Secret, Secret
 * only, key only) and an optional rate limit (requests per window). Both are published.
 */
export function AccessFields(props: {
  accepts: AcceptedCredential;
  rateLimitOn: boolean;
  rateRequests: string;
  rateWindowSeconds: string;
  requestsError: string | null;
  windowError: string | null;
  onAccepts: (value: AcceptedCredential) => void;
  onRateLimitOn: (on: boolean) => void;
  onRequests: (value: string) => void;
  onWindow: (value: string) => void;
}) {
  const name = useId();
  return (
    <div className="form-grid form-grid--2 access-fields">
      <fieldset className="fieldset">
        <legend className="field__label">Accepted credential</legend>
        {ACCEPTED_CREDENTIALS.map((value) => (
          <label key={value} className="check">
            <input
              type="radio"
              name={name}
              value={value}
              checked={props.accepts === value}
              onChange={() => props.onAccepts(value)}
            />
            <span>
              {ACCEPTS_LABELS[value].label}
              {value === 'secret-only' && <span className="check__hint">{ACCEPTS_LABELS[value].hint}</span>}
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className="fieldset">
        <legend className="field__label">Rate limit</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={props.rateLimitOn}
            onChange={(event) => props.onRateLimitOn(event.target.checked)}
          />
          <span>
            Limit the request rate
            <span className="check__hint">The server answers 429 beyond it (optional).</span>
          </span>
        </label>
        {props.rateLimitOn && (
          <div className="form-grid form-grid--2">
            <NumberField
              label="Requests"
              bounds={RATE_LIMIT_BOUNDS.requests}
              value={props.rateRequests}
              error={props.requestsError}
              onChange={(event) => props.onRequests(event.target.value)}
            />
            <NumberField
              label="Per (seconds)"
              bounds={RATE_LIMIT_BOUNDS.windowSeconds}
              value={props.rateWindowSeconds}
              error={props.windowError}
              hint="60 = a minute, 3600 = an hour."
              onChange={(event) => props.onWindow(event.target.value)}
            />
          </div>
        )}
      </fieldset>
    </div>
  );
}
