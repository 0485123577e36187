import type { Integration } from '../../../../shared/domain/integration.ts';
import { useTimeFormat } from '../../time/use-time.ts';
import { ACCEPTS_LABELS, describeRateLimit } from './AccessFields.tsx';
import { days, PLATFORM_LABELS } from './key-format.ts';

/** Every field of an integration, as a definition list. */
export function IntegrationFacts(props: { integration: Integration }) {
  const { integration } = props;
  const time = useTimeFormat();
  return (
    <dl className="facts">
      <dt>Platform</dt>
      <dd>{PLATFORM_LABELS[integration.platform]}</dd>
      <dt>Website</dt>
      <dd>
        {integration.website === null ? (
          <span className="muted">None</span>
        ) : (
          <span className="facts__url">{integration.website}</span>
        )}
      </dd>
      <dt>API access</dt>
      <dd>
        {integration.enabled ? 'Enabled' : <span className="tone--danger">Disabled: no key verifies</span>}
      </dd>
      <dt>IP allow list</dt>
      <dd>
        {integration.ipAcl.length === 0 ? (
          <span className="muted">Any address</span>
        ) : (
          <ul className="facts__acl">
            {integration.ipAcl.map((entry) => (
              <li key={entry} className="mono">
                {entry}
              </li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Accepts</dt>
      <dd>{ACCEPTS_LABELS[integration.accepts].label}</dd>
      <dt>Rate limit</dt>
      <dd>{describeRateLimit(integration.rateLimit)}</dd>
      <dt>Key prefix</dt>
      <dd className="mono">{integration.prefix}</dd>
      <dt>Rotation</dt>
      <dd>
        {integration.neverExpire ? (
          <span className="tone--warn">
            Never expires (rotation of {days(integration.rotationDays)} paused)
          </span>
        ) : (
          `Every ${days(integration.rotationDays)}`
        )}
      </dd>
      <dt>Grace</dt>
      <dd>
        {integration.graceDays === 0 ? 'None: a replaced key stops at once' : days(integration.graceDays)}
      </dd>
      <dt>Notes</dt>
      <dd className="facts__notes">{integration.notes ?? <span className="muted">None</span>}</dd>
      <dt>Created</dt>
      <dd className="mono">{time.at(integration.createdAt)}</dd>
      <dt>Updated</dt>
      <dd className="mono">{time.at(integration.updatedAt)}</dd>
    </dl>
  );
}
