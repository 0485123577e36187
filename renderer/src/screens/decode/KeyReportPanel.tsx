import type { KeyReport } from './decode-report.ts';
import { FormatLine } from './FormatLine.tsx';
import { StatusIcon } from './StatusIcon.tsx';
import { VaultKeyDetails } from './VaultKeyDetails.tsx';

/**
 * A key (a pasted raw key, or a Secret's `client_secret`): masked, its offline format and checksum
 * check, and the vault key it matches.
 */
export function KeyReportPanel(props: {
  title: string;
  report: KeyReport | null;
  now: number;
  emptyText: string;
}) {
  const { report } = props;
  return (
    <section className="panel decode-card" aria-labelledby="decode-key-title" data-testid="vault-key">
      <div className="decode-card__head">
        <h2 id="decode-key-title">{props.title}</h2>
        {report !== null && <span className="mono muted">{report.masked}</span>}
      </div>
      {report === null ? (
        <p className="muted">{props.emptyText}</p>
      ) : (
        <div className="decode-card__stack">
          <FormatLine format={report.format} />
          {report.match.state === 'found' && <VaultKeyDetails match={report.match} now={props.now} />}
          {report.match.state === 'not-in-vault' && (
            <p className="decode-line" data-testid="vault-match" data-state="not-in-vault">
              <StatusIcon tone="warn" />
              <span>Not a key of this vault: never issued here, or deleted since.</span>
            </p>
          )}
          {report.match.state === 'not-checked' && (
            <p className="decode-line" data-testid="vault-match" data-state="not-checked">
              <StatusIcon tone="neutral" />
              <span>Vault not checked: {report.match.reason}.</span>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
