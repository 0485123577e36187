import type { ChainVerdict } from './activity-types.ts';

/** The chain check's state on screen. */
export type Verification =
  | { state: 'verifying' }
  | { state: 'failed'; message: string }
  | { state: 'done'; verdict: ChainVerdict; at: number };

/**
 * The activity log's integrity at a glance — the most important thing on this screen: green when the
 * hash chain verifies (entries and head hash), red naming the first entry that does not, and why.
 */
export function ChainBanner(props: {
  verification: Verification;
  onVerify: () => void;
  onShowEntry: ((seq: number) => void) | null;
}) {
  const { verification } = props;
  let tone: 'ok' | 'bad' | 'pending' | 'error';
  let content;
  if (verification.state === 'verifying') {
    tone = 'pending';
    content = (
      <p className="activity-chain__title" role="status">
        Verifying the hash chain…
      </p>
    );
  } else if (verification.state === 'failed') {
    tone = 'error';
    content = (
      <div role="alert">
        <p className="activity-chain__title">The chain could not be checked</p>
        <p>{verification.message}</p>
      </div>
    );
  } else if (verification.verdict.ok) {
    tone = 'ok';
    const { entries, headHash } = verification.verdict;
    content = (
      <div role="status">
        <p className="activity-chain__title" data-testid="chain-status">
          Chain verified — {entries.toLocaleString('en-US')} {entries === 1 ? 'entry' : 'entries'}, head{' '}
          <code title={headHash}>{headHash.slice(0, 12)}</code>
        </p>
        <p className="activity-chain__text">
          No entry was edited, reordered or deleted: every entry carries the SHA-256 of the one before it.
        </p>
      </div>
    );
  } else {
    tone = 'bad';
    const { firstBadSeq, reason } = verification.verdict;
    content = (
      <div role="alert">
        <p className="activity-chain__title" data-testid="chain-status">
          Tampered: entry #{firstBadSeq} — {reason}
        </p>
        <p className="activity-chain__text">
          The log was changed outside Keyward.{' '}
          {firstBadSeq > 1
            ? `Entries #1–#${firstBadSeq - 1} are intact; #${firstBadSeq} and everything after it cannot be trusted.`
            : 'None of its entries can be trusted.'}{' '}
          Restore a backup, and find out who had access to this computer.
        </p>
        {props.onShowEntry !== null && (
          <button
            type="button"
            className="button button--small activity-chain__show"
            onClick={() => props.onShowEntry?.(firstBadSeq)}
          >
            Show entry #{firstBadSeq}
          </button>
        )}
      </div>
    );
  }
  return (
    <section
      className={`activity-chain activity-chain--${tone}`}
      aria-label="Log integrity"
      data-testid="chain-banner"
      data-state={tone}
    >
      <span className="activity-chain__mark" aria-hidden="true">
        <svg viewBox="0 0 20 20" focusable="false">
          {tone === 'ok' && <path d="M5 10.5l3.2 3.2L15 6.5" />}
          {tone === 'bad' && <path d="M10 4.5v7M10 14.8v.4" />}
          {tone === 'error' && <path d="M6 6l8 8M14 6l-8 8" />}
          {tone === 'pending' && <path d="M10 5v5l3 2" />}
        </svg>
      </span>
      <div className="activity-chain__body">{content}</div>
      <button
        type="button"
        className="button button--small"
        onClick={props.onVerify}
        aria-disabled={verification.state === 'verifying'}
      >
        Verify again
      </button>
    </section>
  );
}
