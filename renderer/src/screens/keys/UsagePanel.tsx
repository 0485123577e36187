import { useEffect, useId, useState } from 'react';
import type { ApiKeyView } from '../../../../shared/domain/api-key.ts';
import type { IntegrationUsage, KeyUsage } from '../../../../shared/sync/usage.ts';
import { call } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { useTimeFormat } from '../../time/use-time.ts';
import { ErrorState, Loading } from '../../ui/States.tsx';
import { useStableCallback } from '../../ui/use-stable-callback.ts';
import { Sparkline } from './Sparkline.tsx';
import { callsWords, graceCanEnd, outcomeWords } from './usage-format.ts';

/** One key's usage: last use, the sparkline, and — in grace — its last call and last day's calls. */
function KeyUsageRow(props: {
  apiKey: ApiKeyView;
  usage: KeyUsage | undefined;
  until: number;
  onEndGrace: (key: ApiKeyView) => void;
}) {
  const { apiKey: key, usage } = props;
  const time = useTimeFormat();
  const daily = usage?.daily ?? [];
  const lastUsedAt = usage?.lastUsedAt ?? null;
  const total = daily.reduce((sum, value) => sum + value, 0);
  return (
    <li className="usage-key" data-testid="usage-key">
      <div className="usage-key__head">
        <span className="usage-key__name">
          <span className="mono">{key.masked}</span> <span className="muted small">({key.status})</span>
        </span>
        {daily.length > 0 ? (
          <Sparkline
            daily={daily}
            label={`Accepted calls per day, last ${daily.length} days, key ${key.masked}`}
          />
        ) : (
          <span className="muted small">No calls logged</span>
        )}
      </div>
      <div className="small muted">
        Last used:{' '}
        {lastUsedAt === null ? (
          'never, as far as the server saw'
        ) : (
          <>
            {time.relative(lastUsedAt, props.until)} · <span className="mono">{time.at(lastUsedAt)}</span>
          </>
        )}
        {daily.length > 0 && ` · ${total} accepted in ${daily.length} days`}
      </div>
      {key.status === 'grace' && (
        <div className="usage-grace small" data-testid="usage-grace">
          Old key, still accepted: last call{' '}
          {lastUsedAt === null ? 'never' : <span className="mono">{time.at(lastUsedAt)}</span>} ·{' '}
          {usage?.callsLast24h ?? 0} {usage?.callsLast24h === 1 ? 'call' : 'calls'} in the last 24 h.
          {graceCanEnd(usage) && (
            <>
              {' '}
              No calls for a day: nothing seems to use it any more.
              <button
                type="button"
                className="button button--small button--danger"
                onClick={() => props.onEndGrace(key)}
              >
                End grace now<span className="visually-hidden"> for key {key.masked}</span>
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * Usage back from the connected server's request log (issue 11): per key "Last used" and a 30-day
 * sparkline; during grace the old key's last call and calls in the last 24 h, with "End grace now"
 * (the panel's confirmed flow) once it had none for a day; and the integration's recent calls —
 * time (in the UTC setting's format), IP and outcome in words.
 */
export function UsagePanel(props: {
  integrationId: string;
  keys: readonly ApiKeyView[];
  reloadToken: number;
  onEndGrace: (key: ApiKeyView) => void;
  /** The server saw a later use than the vault knew: the vault's "Last used" was updated. */
  onLastUsedChanged: () => void;
}) {
  const [attempt, setAttempt] = useState(0);
  // The last answer, with the request it answered: loading while it answers an older one.
  const [answered, setAnswered] = useState<{
    request: string;
    usage: IntegrationUsage | null;
    error: string | null;
  }>({ request: '', usage: null, error: null });
  const titleId = useId();
  const time = useTimeFormat();
  const { integrationId, reloadToken, keys } = props;
  const request = `${integrationId}\n${reloadToken}\n${attempt}`;
  const loading = answered.request !== request;
  // What was shown stays while a refresh runs; another integration's usage never shows here.
  const usage = answered.usage?.integrationId === integrationId ? answered.usage : null;
  const error = loading ? null : answered.error;
  // Read when an answer comes (a new answer is asked for on reload only, not when the keys change).
  const checkLastUsed = useStableCallback((answer: IntegrationUsage) => {
    const stale = answer.keys.some((entry) => {
      const known = keys.find((key) => key.id === entry.keyId);
      return (
        known !== undefined &&
        entry.lastUsedAt !== null &&
        (known.lastUsedAt === null || entry.lastUsedAt > known.lastUsedAt)
      );
    });
    if (stale) {
      props.onLastUsedChanged();
    }
  });

  useEffect(() => {
    let live = true;
    call('usage.integration', { integrationId }).then(
      (answer) => {
        if (live) {
          setAnswered({ request, usage: answer, error: null });
          checkLastUsed(answer);
        }
      },
      (caught: unknown) => {
        if (live) {
          setAnswered((current) => ({ request, usage: current.usage, error: errorMessage(caught) }));
        }
      },
    );
    return () => {
      live = false;
    };
  }, [integrationId, request, checkLastUsed]);

  const byKey = new Map((usage?.keys ?? []).map((entry) => [entry.keyId, entry]));
  const maskedOf = (keyId: string | null) =>
    keyId === null ? 'no key' : (keys.find((key) => key.id === keyId)?.masked ?? 'a deleted key');
  const shownKeys = keys.filter(
    (key) => key.status === 'active' || key.status === 'grace' || byKey.has(key.id),
  );

  return (
    <section className="details__section usage" aria-labelledby={titleId} data-testid="usage-panel">
      <div className="details__section-head">
        <h3 id={titleId}>Usage from the server</h3>
        <button
          type="button"
          className="button button--small"
          aria-disabled={loading || undefined}
          onClick={() => !loading && setAttempt((value) => value + 1)}
        >
          {loading && usage !== null ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {usage === null && error === null && <Loading label="Loading usage from the server…" />}
      {error !== null && (
        <ErrorState
          message={`Usage is unavailable: ${error}`}
          onRetry={() => setAttempt((value) => value + 1)}
        />
      )}
      {usage !== null && (
        <>
          <p className="small muted">
            As of <span className="mono">{time.at(usage.until)}</span>, from the server&apos;s request log.
          </p>
          <ul className="usage-keys">
            {shownKeys.map((key) => (
              <KeyUsageRow
                key={key.id}
                apiKey={key}
                usage={byKey.get(key.id)}
                until={usage.until}
                onEndGrace={props.onEndGrace}
              />
            ))}
          </ul>
          <h4 className="usage__recent-title">Recent calls</h4>
          {usage.recent.length === 0 ? (
            <p className="small muted">No calls in the server&apos;s log yet.</p>
          ) : (
            <table className="usage-recent" data-testid="usage-recent">
              <caption className="visually-hidden">Recent calls, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Client IP</th>
                  <th scope="col">Outcome and key</th>
                </tr>
              </thead>
              <tbody>
                {usage.recent.map((entry, index) => (
                  // The log has no id per call: time, key and position make the row's identity.
                  <tr key={`${entry.at}-${entry.keyId ?? ''}-${index}`}>
                    <td className="mono usage-recent__time">{time.at(entry.at)}</td>
                    <td className="mono">{entry.clientIp}</td>
                    <td>
                      <span className={entry.outcome === 'OK' ? 'usage-outcome--ok' : 'usage-outcome--bad'}>
                        {outcomeWords(entry.outcome)}
                      </span>
                      {callsWords(entry.calls) === null ? null : (
                        <span className="usage-recent__calls"> {callsWords(entry.calls)}</span>
                      )}
                      <span className="muted mono usage-recent__key"> {maskedOf(entry.keyId)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
