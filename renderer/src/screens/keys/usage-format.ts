// Words for what the server reports back: request-log outcomes, grace that can end, where a test ran.
import type { KeyUsage } from '../../../../shared/sync/usage.ts';

/** A request-log outcome in words ("Accepted", "Refused — key revoked", "Rate limited"). */
const OUTCOME_WORDS: Readonly<Record<string, string>> = {
  OK: 'Accepted',
  KEY_UNKNOWN: 'Refused — unknown key',
  KEY_EXPIRED: 'Refused — key expired',
  KEY_REVOKED: 'Refused — key revoked',
  API_DISABLED: 'Refused — API access off',
  IP_NOT_ALLOWED: 'Refused — IP not allowed',
  SECRET_EXPIRED: 'Refused — Secret expired',
  SECRET_REQUIRED: 'Refused — Secret required',
  BAD_SIGNATURE: 'Refused — bad signature',
  KEY_MALFORMED: 'Refused — malformed key',
  RATE_LIMITED: 'Rate limited',
};

/** The words of an outcome code (an unknown code is shown as it came). */
export function outcomeWords(outcome: string): string {
  return OUTCOME_WORDS[outcome] ?? outcome;
}

/** Alike calls the server's log counted in one entry, in words ("× 3 in that second"); none for one. */
export function callsWords(calls: number | undefined): string | null {
  return calls === undefined || calls < 2 ? null : `× ${calls} in that second`;
}

/**
 * Whether a grace key's grace can end now: it had no calls at all (accepted or refused) in the
 * last 24 hours the server counted.
 */
export function graceCanEnd(usage: KeyUsage | undefined): boolean {
  return usage !== undefined && usage.callsLast24h === 0;
}

/**
 * Where a test ran, in words: "by the server", "by the server, as if from 203.0.113.9", "locally,
 * in this vault", or — when the server could not be reached — "locally, in this vault (the server
 * could not be reached)".
 */
export function testedWhere(outcome: {
  against: 'local' | 'server';
  ip: string | null;
  unreachable?: boolean;
}): string {
  if (outcome.against === 'local') {
    return outcome.unreachable === true
      ? 'locally, in this vault (the server could not be reached)'
      : 'locally, in this vault';
  }
  return outcome.ip === null ? 'by the server' : `by the server, as if from ${outcome.ip}`;
}
