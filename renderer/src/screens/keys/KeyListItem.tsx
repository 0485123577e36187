import { useCallback, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiKeyView } from '../../../../shared/domain/api-key.ts';
import type { Output } from '../../../../shared/ipc/contract.ts';
import { describeRefusal } from '../../../../shared/keys/acceptance.ts';
import { parseIp } from '../../../../shared/net/cidr.ts';
import { call, callUnlessCancelled } from '../../api/api.ts';
import { errorMessage, IpcError } from '../../api/ipc-error.ts';
import { isConnected, useSync } from '../../state/sync-store.ts';
import { toast } from '../../state/toast-store.ts';
import { useTimeFormat } from '../../time/use-time.ts';
import { StatusChip } from '../../ui/StatusChip.tsx';
import { copyKey } from './key-actions.ts';
import { RevealedKey } from './RevealedKey.tsx';
import { testedWhere } from './usage-format.ts';

/** How long a revealed key stays shown when the re-auth window is 0 ("ask every time"). */
const REVEAL_FALLBACK_MS = 20_000;

/** A test's answer, and the IP it was run as if from (null: the real caller's, or none locally). */
type TestOutcome = Output<'keys.test'> & { ip: string | null; unreachable: boolean };

/** The "as if from IP …" form of a key's test (server only: a local test has no caller). */
function IpTestForm(props: { busy: boolean; onTest: (ip: string) => void; onCancel: () => void }) {
  const [ip, setIp] = useState('');
  const [touched, setTouched] = useState(false);
  const inputId = useId();
  const errorId = useId();
  const parsed = parseIp(ip);
  const error = touched && !parsed.ok ? `Not an IP address: ${parsed.ok ? '' : parsed.error.message}.` : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (parsed.ok && !props.busy) {
      props.onTest(parsed.value.text);
    }
  };
  return (
    <form className="ip-test" onSubmit={submit} noValidate>
      <label htmlFor={inputId} className="ip-test__label small">
        Test as if the call came from
      </label>
      <input
        id={inputId}
        className="input input--small mono ip-test__input"
        autoComplete="off"
        spellCheck={false}
        placeholder="203.0.113.9"
        maxLength={64}
        value={ip}
        aria-invalid={error !== null || undefined}
        aria-describedby={error === null ? undefined : errorId}
        onChange={(event) => {
          setIp(event.target.value);
          setTouched(true);
        }}
      />
      <button type="submit" className="button button--small" aria-disabled={props.busy || undefined}>
        Test from this IP
      </button>
      <button type="button" className="button button--small button--ghost" onClick={props.onCancel}>
        Cancel
      </button>
      {error !== null && (
        <span id={errorId} className="field__error ip-test__error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

/** The line under a key that says where it stands in time. */
function KeyTimes(props: { apiKey: ApiKeyView; now: number }) {
  const { apiKey: key, now } = props;
  const time = useTimeFormat();
  const at = (ms: number) => <span className="mono">{time.at(ms)}</span>;
  switch (key.status) {
    case 'active':
      return key.expiresAt === null ? (
        <span className="tone--warn">Never expires</span>
      ) : (
        <span>
          Expires {time.relative(key.expiresAt, now)} · {at(key.expiresAt)}
        </span>
      );
    case 'grace':
      return key.graceEndsAt === null ? (
        <span>In grace</span>
      ) : (
        <span className="tone--warn">
          Still accepted; grace ends {time.relative(key.graceEndsAt, now)} · {at(key.graceEndsAt)}
        </span>
      );
    case 'expired':
    case 'revoked': {
      const ended = key.endedAt ?? key.graceEndsAt ?? key.expiresAt;
      return ended === null ? (
        <span>{key.status === 'expired' ? 'Expired' : 'Revoked'}</span>
      ) : (
        <span>
          {key.status === 'expired' ? 'Expired' : 'Revoked'} {time.relative(ended, now)} · {at(ended)}
        </span>
      );
    }
  }
}

/**
 * One key of the open integration: masked, status, times, and what can be done with it — reveal
 * and copy (live keys only, behind re-authentication), test (by the connected server, optionally as
 * if from an IP address, else locally; the result says which), end the grace now (grace keys only,
 * for a key believed leaked), and delete (ended keys only).
 */
export function KeyListItem(props: {
  apiKey: ApiKeyView;
  integrationName: string;
  selected: boolean;
  now: number;
  onTested: () => void;
  onDelete: (key: ApiKeyView) => void;
  /** Asks to end this grace key's grace now (the panel confirms, then re-authenticates). */
  onEndGrace: (key: ApiKeyView) => void;
}) {
  const { apiKey: key, integrationName } = props;
  const time = useTimeFormat();
  const [revealed, setRevealed] = useState<{ material: string; hideAt: number } | null>(null);
  const [test, setTest] = useState<TestOutcome | null>(null);
  const [ipTest, setIpTest] = useState(false);
  const connected = useSync((state) => isConnected(state.status));
  const [busy, setBusy] = useState<'reveal' | 'copy' | 'test' | null>(null);
  const live = key.status === 'active' || key.status === 'grace';
  const ended = key.status === 'expired' || key.status === 'revoked';
  const revealButton = useRef<HTMLButtonElement>(null);
  const hide = useCallback(() => {
    // Focus inside the revealed block (its "Hide now") would fall to the page when it goes: keep
    // it on the row's Reveal button instead. A timed hide elsewhere leaves the focus alone.
    const focused = document.activeElement;
    const hadFocus = focused instanceof HTMLElement && focused.closest('.revealed') !== null;
    setRevealed(null);
    if (hadFocus) {
      window.requestAnimationFrame(() => revealButton.current?.focus());
    }
  }, []);

  const reveal = async () => {
    if (busy !== null) {
      return;
    }
    setBusy('reveal');
    try {
      const answer = await callUnlessCancelled(
        'keys.reveal',
        { keyId: key.id },
        { purpose: `Reveal the key of ${integrationName}` },
      );
      if (answer !== null) {
        // Shown for as long as the re-authentication stays fresh (a 0 s window: a short fixed time).
        const fresh = await call('reauth.status', {}).then(
          (status) => status.freshForMs,
          () => 0,
        );
        setRevealed({
          material: answer.material,
          hideAt: Date.now() + (fresh > 0 ? fresh : REVEAL_FALLBACK_MS),
        });
      }
    } catch (caught) {
      toast('error', errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };

  const copy = async () => {
    if (busy !== null) {
      return;
    }
    setBusy('copy');
    try {
      await copyKey(key.id, integrationName);
    } catch (caught) {
      toast('error', errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };

  const runTest = async (ip: string | null = null) => {
    if (busy !== null) {
      return;
    }
    setBusy('test');
    try {
      // Asks the server when one is connected (main decides), else tests locally. A server that
      // cannot be reached gets a local test instead, said so (not for "as if from": only it knows).
      let outcome: TestOutcome;
      try {
        const answer = await call('keys.test', { keyId: key.id, ...(ip === null ? {} : { ip }) });
        outcome = { ...answer, ip: answer.against === 'server' ? ip : null, unreachable: false };
      } catch (caught) {
        if (ip !== null || !(caught instanceof IpcError) || caught.code !== 'SERVER_UNREACHABLE') {
          throw caught;
        }
        const answer = await call('keys.test', { keyId: key.id, where: 'local' });
        outcome = { ...answer, ip: null, unreachable: true };
      }
      setTest(outcome);
      setIpTest(false);
      props.onTested();
    } catch (caught) {
      toast('error', errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };

  // Each button names its key for screen readers ("Reveal key kw_AbCdE…"): the list has several.
  const named = <span className="visually-hidden"> key {key.masked}</span>;
  const masked = <span className="visually-hidden"> {key.masked}</span>;
  return (
    <li className={props.selected ? 'key-item key-item--selected' : 'key-item'}>
      <div className="key-item__head">
        <span className="mono key-item__masked">{key.masked}</span>
        <StatusChip status={key.status} />
        <span className="key-item__spacer" />
        <div className="key-item__actions">
          {live && (
            <>
              <button
                ref={revealButton}
                type="button"
                className="button button--small"
                aria-disabled={busy !== null || undefined}
                onClick={() => (revealed === null ? void reveal() : hide())}
              >
                {revealed === null ? 'Reveal' : 'Hide'}
                {named}
              </button>
              <button
                type="button"
                className="button button--small"
                aria-disabled={busy !== null || undefined}
                onClick={() => void copy()}
              >
                Copy key{masked}
              </button>
            </>
          )}
          <button
            type="button"
            className="button button--small"
            aria-disabled={busy !== null || undefined}
            onClick={() => void runTest()}
          >
            {busy === 'test' ? 'Testing…' : 'Test'}
            {named}
          </button>
          {connected && (
            <button
              type="button"
              className="button button--small"
              aria-expanded={ipTest}
              onClick={() => setIpTest((open) => !open)}
            >
              Test from IP…{named}
            </button>
          )}
          {key.status === 'grace' && (
            <button
              type="button"
              className="button button--small button--ghost tone--danger"
              onClick={() => props.onEndGrace(key)}
            >
              End grace now{named}
            </button>
          )}
          {ended && (
            <button
              type="button"
              className="button button--small button--ghost tone--danger"
              onClick={() => props.onDelete(key)}
            >
              Delete{named}
            </button>
          )}
        </div>
      </div>
      <div className="key-item__meta small">
        <KeyTimes apiKey={key} now={props.now} />
      </div>
      <div className="key-item__meta small muted">
        Created <span className="mono">{time.at(key.createdAt)}</span> ·{' '}
        {key.lastUsedAt === null ? (
          'never used'
        ) : (
          <>
            last used {time.relative(key.lastUsedAt, props.now)} ·{' '}
            <span className="mono">{time.at(key.lastUsedAt)}</span>
          </>
        )}
      </div>
      {revealed !== null && (
        <RevealedKey
          material={revealed.material}
          hideAt={revealed.hideAt}
          label={`Key ${key.masked} of ${integrationName}, revealed`}
          onHide={hide}
        />
      )}
      {ipTest && connected && (
        <IpTestForm
          busy={busy !== null}
          onTest={(ip) => void runTest(ip)}
          onCancel={() => setIpTest(false)}
        />
      )}
      {test !== null && (
        <p
          className={test.accepted ? 'test-result test-result--ok' : 'test-result test-result--bad'}
          role="status"
          data-testid="key-test-result"
        >
          {test.accepted || test.reason === null
            ? 'Verifies: accepted now'
            : `Refused: ${describeRefusal(test.reason)}`}
          <span className="muted">
            {' '}
            · checked {testedWhere(test)} at <span className="mono">{time.at(test.checkedAt)}</span>
          </span>
        </p>
      )}
    </li>
  );
}
