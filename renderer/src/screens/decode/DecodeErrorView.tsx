import type { DecodeError, TokenSegment } from './decode-report.ts';
import { StatusIcon } from './StatusIcon.tsx';

const SEGMENTS: readonly TokenSegment[] = ['header', 'payload', 'signature'];

/** The parser's messages start in lower case (they read well after a colon); as a sentence, capitalised. */
function sentence(message: string): string {
  return message.length === 0 ? message : `${message.charAt(0).toUpperCase()}${message.slice(1)}`;
}

/**
 * Why the input could not be decoded: the parser's precise message, the code, and — when one is to
 * blame — the segment (marked in a header.payload.signature strip) and the character position.
 */
export function DecodeErrorView(props: { error: DecodeError }) {
  const { error } = props;
  return (
    <section
      className="decode-banner decode-banner--danger"
      aria-labelledby="decode-error-title"
      data-testid="decode-error"
    >
      <StatusIcon tone="danger" />
      <div className="decode-banner__body">
        <h2 id="decode-error-title" className="decode-banner__title">
          Cannot decode this input
        </h2>
        <p className="decode-banner__text" data-testid="decode-error-message">
          {sentence(error.message)}
        </p>
        {error.segment !== undefined && (
          <ol className="decode-segments" aria-label="Token segments">
            {SEGMENTS.map((segment) => (
              <li
                key={segment}
                className={
                  segment === error.segment
                    ? 'decode-segments__item decode-segments__item--bad'
                    : 'decode-segments__item'
                }
                aria-current={segment === error.segment ? 'true' : undefined}
              >
                {segment}
                {segment === error.segment && <span className="visually-hidden"> (the problem is here)</span>}
              </li>
            ))}
          </ol>
        )}
        <p className="decode-banner__meta">
          <span>
            code <code>{error.code}</code>
          </span>
          {error.segment !== undefined && (
            <span data-testid="decode-error-segment">
              segment <strong>{error.segment}</strong>
            </span>
          )}
          {error.position !== undefined && (
            <span data-testid="decode-error-position">
              position <strong>{error.position}</strong>
              {error.segment === undefined ? '' : ` in the ${error.segment}`}
            </span>
          )}
        </p>
      </div>
    </section>
  );
}
