import type { KeyStatus } from '../../../shared/domain/api-key.ts';

const LABELS: Record<KeyStatus, string> = {
  active: 'Active',
  grace: 'Grace',
  expired: 'Expired',
  revoked: 'Revoked',
};

/** A key's status at a glance: colour plus a word (never colour alone). */
export function StatusChip(props: { status: KeyStatus }) {
  return <span className={`chip chip--${props.status}`}>{LABELS[props.status]}</span>;
}
