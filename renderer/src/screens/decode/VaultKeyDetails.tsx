import { describeRefusal } from '../../../../shared/keys/acceptance.ts';
import { useNav } from '../../state/nav-store.ts';
import { StatusChip } from '../../ui/StatusChip.tsx';
import { ClaimRow } from './ClaimRow.tsx';
import type { VaultKeyMatch } from './decode-report.ts';
import { StatusIcon } from './StatusIcon.tsx';
import { TimeText } from './TimeText.tsx';

/** The vault key a pasted key or `client_secret` matched, and whether a verifier accepts it now. */
export function VaultKeyDetails(props: { match: VaultKeyMatch; now: number }) {
  const { integration, key, accepted, notAcceptedReason } = props.match;
  const showInKeys = useNav((state) => state.showInKeys);
  return (
    <>
      <div className="decode-vault__title">
        <span className="decode-vault__name" data-testid="vault-integration">
          {integration.name}
        </span>
        <StatusChip status={key.status} />
        {key.recordedStatus !== key.status && (
          <span className="muted small">(the vault still records it as {key.recordedStatus})</span>
        )}
      </div>
      <p
        className={`decode-line decode-accept decode-accept--${accepted ? 'yes' : 'no'}`}
        data-testid="vault-accepted"
        data-accepted={accepted}
      >
        <StatusIcon tone={accepted ? 'ok' : 'danger'} />
        <span>
          {accepted || notAcceptedReason === null
            ? 'Accepted now'
            : `Not accepted now: ${describeRefusal(notAcceptedReason)}`}
        </span>
      </p>
      <dl className="decode-claims">
        <ClaimRow label="Key">
          <span className="mono">{key.masked}</span>{' '}
          <span className="muted mono" title={key.id}>
            id {key.id.slice(0, 8)}
          </span>
        </ClaimRow>
        <ClaimRow label="Platform">
          {integration.platform}
          {!integration.enabled && <strong className="decode-danger-text"> — API access disabled</strong>}
        </ClaimRow>
        <ClaimRow label="Created">
          <TimeText epochMs={key.createdAt.epochMs} now={props.now} />
        </ClaimRow>
        <ClaimRow label="Expires">
          {key.expiresAt === null ? 'never' : <TimeText epochMs={key.expiresAt.epochMs} now={props.now} />}
        </ClaimRow>
        <ClaimRow label="Grace ends">
          {key.graceEndsAt === null ? (
            <span className="muted">not in grace</span>
          ) : (
            <TimeText epochMs={key.graceEndsAt.epochMs} now={props.now} />
          )}
        </ClaimRow>
        <ClaimRow label="IP ACL">
          {integration.ipAcl.length === 0 ? (
            'any address'
          ) : (
            <ul className="decode-acl" aria-label="Allowed addresses">
              {integration.ipAcl.map((cidr) => (
                <li key={cidr} className="mono">
                  {cidr}
                </li>
              ))}
            </ul>
          )}
        </ClaimRow>
      </dl>
      <div>
        <button type="button" className="button button--small" onClick={() => showInKeys(integration.name)}>
          Show in key table
        </button>
      </div>
    </>
  );
}
