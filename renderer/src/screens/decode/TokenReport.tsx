import { ClaimsPanel } from './ClaimsPanel.tsx';
import type { DecodedJws } from './decode-report.ts';
import { JsonBlock } from './JsonBlock.tsx';
import { KeyReportPanel } from './KeyReportPanel.tsx';
import { SignatureBanner } from './SignatureBanner.tsx';
import { Warnings } from './Warnings.tsx';

function payloadNote(token: DecodedJws): string {
  switch (token.payload.format) {
    case 'claims':
      return 'key material masked';
    case 'text':
      return 'text, not a JSON object';
    case 'binary':
      return `first bytes: ${token.payload.hexPreview}`;
  }
}

/** A decoded JWS/JWT: signature banner, validity and claims, the vault key, header and payload. */
export function TokenReport(props: { token: DecodedJws; now: number }) {
  const { token } = props;
  return (
    <>
      <SignatureBanner signature={token.signature} />
      <Warnings warnings={token.warnings} />
      <div className="decode-grid">
        <ClaimsPanel token={token} now={props.now} />
        <KeyReportPanel
          title="Vault key"
          report={token.clientSecret}
          now={props.now}
          emptyText={
            token.vault.checked
              ? 'This token has no client_secret claim, so it names no vault key.'
              : `No client_secret claim; the vault was not checked: ${token.vault.reason}.`
          }
        />
      </div>
      <div className="decode-grid decode-grid--json">
        <JsonBlock id="decode-header" title="Header" text={token.headerText} />
        <JsonBlock id="decode-payload" title="Payload" text={token.payloadText} note={payloadNote(token)} />
      </div>
    </>
  );
}
