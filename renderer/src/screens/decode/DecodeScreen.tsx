import { TrustedKeysPanel } from './TrustedKeysPanel.tsx';
import { useEffect, useId, useRef, useState } from 'react';
import { call } from '../../api/api.ts';
import { errorMessage } from '../../api/ipc-error.ts';
import { useNow } from '../../time/use-time.ts';
import { ErrorState, Loading } from '../../ui/States.tsx';
import { ApiKeyReport } from './ApiKeyReport.tsx';
import type { DecodeReport } from './decode-report.ts';
import { decodeSummary } from './decode-summary.ts';
import { DecodeErrorView } from './DecodeErrorView.tsx';
import { TokenReport } from './TokenReport.tsx';
import './decode.css';

/** Decode this long after the last keystroke. */
const DEBOUNCE_MS = 150;
/** The most the decoder channel takes (the decoder itself refuses tokens over 16 KiB, precisely). */
const MAX_INPUT = 65_536;

type Outcome =
  | { state: 'idle' }
  | { state: 'decoding' }
  | { state: 'done'; report: DecodeReport }
  | { state: 'failed'; message: string };

/**
 * The offline decoder (docs/domain-rules.md): paste a Secret, any JWT/JWS or an API key and read it, decoded
 * as you type. The text goes to the engine in main over IPC and nowhere else: no network.
 */
export function DecodeScreen() {
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const [pending, setPending] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  const latest = useRef(0);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const hintId = useId();
  const now = useNow(1000);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  const decode = (value: string) => {
    const ticket = ++latest.current;
    call('decoder.decode', { input: value }).then(
      (report) => {
        if (ticket === latest.current) {
          // The engine's DecodeReport, as a record (see decode-report.ts).
          setOutcome({ state: 'done', report: report as unknown as DecodeReport });
          setPending(false);
        }
      },
      (error: unknown) => {
        if (ticket === latest.current) {
          setOutcome({ state: 'failed', message: errorMessage(error) });
          setPending(false);
        }
      },
    );
  };

  const change = (value: string) => {
    setText(value);
    window.clearTimeout(timer.current);
    latest.current++; // any answer still on its way is for older text
    if (value.trim() === '') {
      setOutcome({ state: 'idle' });
      setPending(false);
      return;
    }
    if (value.length > MAX_INPUT) {
      setOutcome({
        state: 'done',
        report: {
          ok: false,
          error: {
            code: 'TOKEN_TOO_LARGE',
            message: `the pasted text is ${value.length.toLocaleString('en-US')} characters long; a token is at most 16 KiB`,
          },
        },
      });
      setPending(false);
      return;
    }
    setPending(true);
    setOutcome((previous) => (previous.state === 'idle' ? { state: 'decoding' } : previous));
    timer.current = window.setTimeout(() => decode(value), DEBOUNCE_MS);
  };

  const clear = () => {
    change('');
    inputRef.current?.focus();
  };

  const summary = outcome.state === 'done' ? decodeSummary(outcome.report) : '';

  return (
    <section className="screen decode" aria-labelledby="screen-title">
      <header className="screen__header">
        <h1 id="screen-title">Decode</h1>
        <p className="muted small decode__offline">Decoded on this computer. Nothing you paste leaves it.</p>
      </header>
      <div className="panel decode__input">
        <div className="field">
          <label className="field__label" htmlFor="decode-input">
            Paste a Secret, JWT or API key
          </label>
          <textarea
            id="decode-input"
            ref={inputRef}
            className="textarea decode__textarea mono"
            value={text}
            spellCheck={false}
            autoComplete="off"
            autoCapitalize="off"
            autoCorrect="off"
            autoFocus
            aria-describedby={hintId}
            placeholder="eyJhbGciOiJFZERTQSIs…  or  kw_…"
            onChange={(event) => change(event.target.value)}
          />
          <div id={hintId} className="field__hint">
            A compact JWS/JWT (header.payload.signature) or a raw key. &quot;Bearer &quot; and whitespace are
            ignored. Key material is masked in everything shown below.
          </div>
        </div>
        <div className="row decode__actions">
          <span className="muted small decode__progress" aria-hidden="true">
            {pending ? 'Decoding…' : ''}
          </span>
          <button type="button" className="button button--small" onClick={clear} disabled={text === ''}>
            Clear
          </button>
        </div>
      </div>
      <TrustedKeysPanel onChanged={() => change(text)} />
      <p
        className="visually-hidden"
        role="status"
        aria-live="polite"
        aria-atomic="true"
        data-testid="decode-summary"
      >
        {summary}
      </p>
      <div
        className={pending ? 'decode__result decode__result--stale' : 'decode__result'}
        aria-busy={pending}
      >
        {outcome.state === 'idle' && (
          <div className="state state--empty decode__empty">
            <p className="state__title">Nothing to decode yet</p>
            <p>
              Paste a Secret to see its claims, whether the vault signed it, and which key it carries — or
              paste a raw key to check its checksum and find its integration.
            </p>
          </div>
        )}
        {outcome.state === 'decoding' && <Loading label="Decoding…" />}
        {outcome.state === 'failed' && <ErrorState message={outcome.message} onRetry={() => change(text)} />}
        {outcome.state === 'done' && !outcome.report.ok && <DecodeErrorView error={outcome.report.error} />}
        {outcome.state === 'done' && outcome.report.ok && outcome.report.value.kind === 'jws' && (
          <TokenReport token={outcome.report.value} now={now} />
        )}
        {outcome.state === 'done' && outcome.report.ok && outcome.report.value.kind === 'api-key' && (
          <ApiKeyReport decoded={outcome.report.value} now={now} />
        )}
      </div>
    </section>
  );
}
