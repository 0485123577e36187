// What lifecycle-crash-child.ts does and lifecycle-crash.test.ts checks: shared so both sides agree
// on the password, the operations, the fault modes and the `committed` line.
import { createHash } from 'node:crypto';
import type { ActivityAction } from '../../electron/vault/audit/activity-log.ts';

/** The master password of every vault this workload runs on. */
export const LIFECYCLE_PASSWORD = 'lifecycle-crash password';

/** The operations the child mixes. */
export const LIFECYCLE_OPS = ['create', 'rotate', 'revoke', 'regenerate', 'runDue'] as const;
export type LifecycleOp = (typeof LIFECYCLE_OPS)[number];

/** The log entry (action, with the new active key as keyId) each user operation commits with. */
export const OP_ACTIONS: Record<Exclude<LifecycleOp, 'runDue'>, ActivityAction> = {
  create: 'integration.create',
  rotate: 'key.rotate',
  revoke: 'key.revoke',
  regenerate: 'key.regenerate',
};

/**
 * Deliberately broken children, so the test can show its checks catch what they are meant to:
 * - `torn-rotate`: rotates in two transactions (end the old key; a gap; insert the new one), so a kill
 *   in between leaves an integration without an active key;
 * - `report-early`: reports a rotation before its transaction commits, so a kill in between loses a
 *   key the parent was told about.
 */
export const LIFECYCLE_FAULTS = ['torn-rotate', 'report-early'] as const;
export type LifecycleFault = (typeof LIFECYCLE_FAULTS)[number];

/**
 * What is true once an operation has committed, for one integration it touched:
 * `committed <op> <integrationId> <activeKeyId> <fingerprint> <keyId>…` (every key of the integration).
 */
export interface CommittedLine {
  op: LifecycleOp;
  integrationId: string;
  activeKeyId: string;
  /** The start of the active key's lookup hash (SHA-256 of its material). */
  fingerprint: string;
  keyIds: string[];
}

/** The start of a key's lookup hash, enough to tell that its material was not replaced. */
export function fingerprint(material: string): string {
  return createHash('sha256').update(material, 'utf8').digest('hex').slice(0, 16);
}

export function formatCommitted(line: CommittedLine): string {
  const { op, integrationId, activeKeyId, fingerprint: print, keyIds } = line;
  return ['committed', op, integrationId, activeKeyId, print, ...keyIds].join(' ');
}

/** The `committed` line's fields, or null for any other line. */
export function parseCommitted(text: string): CommittedLine | null {
  const [tag, op, integrationId, activeKeyId, print, ...keyIds] = text.split(' ');
  if (
    tag !== 'committed' ||
    !LIFECYCLE_OPS.includes(op as LifecycleOp) ||
    integrationId === undefined ||
    activeKeyId === undefined ||
    print === undefined
  ) {
    return null;
  }
  return { op: op as LifecycleOp, integrationId, activeKeyId, fingerprint: print, keyIds };
}
