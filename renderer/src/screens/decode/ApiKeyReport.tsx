import type { DecodedApiKey } from './decode-report.ts';
import { KeyReportPanel } from './KeyReportPanel.tsx';
import { StatusIcon } from './StatusIcon.tsx';
import { Warnings } from './Warnings.tsx';

/** A pasted raw API key: its format and checksum, and the vault key it is. */
export function ApiKeyReport(props: { decoded: DecodedApiKey; now: number }) {
  const { decoded } = props;
  const found = decoded.key.match.state === 'found';
  return (
    <>
      <section
        className={`decode-banner decode-banner--${found ? 'ok' : 'neutral'}`}
        aria-labelledby="decode-kind-title"
        data-testid="api-key-banner"
      >
        <StatusIcon tone={found ? 'ok' : 'neutral'} />
        <div className="decode-banner__body">
          <h2 id="decode-kind-title" className="decode-banner__title">
            {found ? 'An API key of this vault' : 'An API key'}
          </h2>
          <p className="decode-banner__text">
            A raw key has no signature: its prefix and checksum are checked offline, then it is looked up in
            the vault.
          </p>
        </div>
      </section>
      <Warnings warnings={decoded.warnings} />
      <KeyReportPanel title="API key" report={decoded.key} now={props.now} emptyText="" />
    </>
  );
}
