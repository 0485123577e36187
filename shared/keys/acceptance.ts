import type { ApiKeyView, KeyStatus } from '../domain/api-key.ts';
import type { Integration } from '../domain/integration.ts';
import { KeywardError } from '../errors.ts';
import { compileAcl } from '../net/cidr.ts';
import type { PublishedKey } from './published-key.ts';

/** One day in milliseconds: grace periods are whole days. */
export const DAY_MS = 86_400_000;

/**
 * Why a verifier refuses a credential: the codes of the Keyward server's API (docs/domain-rules.md, "Keyward
 * server"), shared by every interface. Each interface renders its own words from the code
 * ({@link describeRefusal} is the default English).
 */
export const REFUSAL_CODES = [
  'KEY_UNKNOWN',
  'KEY_EXPIRED',
  'KEY_REVOKED',
  'API_DISABLED',
  'IP_NOT_ALLOWED',
  'SECRET_EXPIRED',
  'SECRET_REQUIRED',
  'BAD_SIGNATURE',
  'KEY_MALFORMED',
] as const;

/** One of {@link REFUSAL_CODES}. */
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** The codes {@link keyAcceptance} can answer: the rest are about Secrets and key text. */
export type KeyRefusalCode =
  'KEY_UNKNOWN' | 'KEY_EXPIRED' | 'KEY_REVOKED' | 'API_DISABLED' | 'IP_NOT_ALLOWED';

/** A key's facts as the rule reads them: its published facts with the IP ACL compiled once. */
export interface KeyFacts {
  status: KeyStatus;
  createdAt: number;
  expiresAt: number | null;
  graceEndsAt: number | null;
  endedAt: number | null;
  /** The integration's never-expire flag (already reflected in the key's own `expiresAt`). */
  neverExpire: boolean;
  /** The integration's grace days (0–30): the grace an automatic rotation at `expiresAt` gives. */
  graceDays: number;
  /** The integration's API access: off = none of its keys are accepted. */
  enabled: boolean;
  /** The integration's IP ACL, compiled (`compileAcl` in `net/cidr.ts`): does it let this address in? */
  ipAllowed: (ip: string) => boolean;
}

/** The fields of a {@link PublishedKey} the rule reads (the ACL as CIDR text). */
export type KeyFactsSource = Pick<
  PublishedKey,
  'status' | 'createdAt' | 'expiresAt' | 'graceEndsAt' | 'endedAt' | 'neverExpire' | 'graceDays' | 'enabled'
> & { ipAcl: readonly string[] };

/** Where a key stands at a time, by its facts and the clock alone. */
export interface KeyStanding {
  /**
   * The status now: an active key past `expiresAt` reads `grace` (until `expiresAt + graceDays`)
   * and then `expired`; a grace key past `graceEndsAt` reads `expired` — before the vault records it.
   */
  status: KeyStatus;
  /** When the grace ends: the recorded one, or `expiresAt + graceDays` for an active key past expiry. */
  graceEndsAt: number | null;
}

/** The outcome of {@link keyAcceptance}. */
export type Acceptance =
  | { accepted: true; status: 'active' | 'grace'; graceEndsAt: number | null }
  | { accepted: false; code: KeyRefusalCode };

/** The facts of a vault key and its integration, as they would be published. */
export function keyFactsOf(
  key: Pick<ApiKeyView, 'status' | 'createdAt' | 'expiresAt' | 'graceEndsAt' | 'endedAt'>,
  integration: Pick<Integration, 'neverExpire' | 'graceDays' | 'enabled' | 'ipAcl'>,
): KeyFactsSource {
  return {
    status: key.status,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    graceEndsAt: key.graceEndsAt,
    endedAt: key.endedAt,
    neverExpire: integration.neverExpire,
    graceDays: integration.graceDays,
    enabled: integration.enabled,
    ipAcl: integration.ipAcl,
  };
}

/** Compiles published facts for {@link keyAcceptance} (parses the ACL once; do it once per key on hot paths). */
export function compileKeyFacts(source: KeyFactsSource): KeyFacts {
  return {
    status: source.status,
    createdAt: source.createdAt,
    expiresAt: source.expiresAt,
    graceEndsAt: source.graceEndsAt,
    endedAt: source.endedAt,
    neverExpire: source.neverExpire,
    graceDays: source.graceDays,
    enabled: source.enabled,
    ipAllowed: compileAcl(source.ipAcl),
  };
}

function assertTime(now: number): void {
  if (!Number.isFinite(now)) {
    throw new KeywardError('INVALID_INPUT', 'the time to check a key at must be a finite number');
  }
}

/**
 * Where a key stands at `now` by time alone ({@link KeyStanding}). An active key whose `expiresAt`
 * has come is treated as the scheduler would leave it — rotated at `expiresAt`, in grace for the
 * integration's `graceDays` — whether or not any desktop has run since.
 */
export function keyStatusAt(facts: Omit<KeyFacts, 'ipAllowed'>, now: number): KeyStanding {
  assertTime(now);
  switch (facts.status) {
    case 'active': {
      if (facts.expiresAt === null || now < facts.expiresAt) {
        return { status: 'active', graceEndsAt: null };
      }
      const graceEndsAt = facts.expiresAt + facts.graceDays * DAY_MS;
      return { status: now < graceEndsAt ? 'grace' : 'expired', graceEndsAt };
    }
    case 'grace':
      // A grace key without an end is not accepted (fails closed; the vault never writes one).
      return {
        status: facts.graceEndsAt !== null && now < facts.graceEndsAt ? 'grace' : 'expired',
        graceEndsAt: facts.graceEndsAt,
      };
    case 'expired':
    case 'revoked':
      return { status: facts.status, graceEndsAt: facts.graceEndsAt };
  }
}

/**
 * THE acceptance rule (docs/acceptance.md): is a key with these published facts accepted at
 * `now`, from `clientIp`? One pure function, called by the engine's master list and `check()`, the
 * decoder, test key and the server. It reads only the facts and the time, so it answers correctly
 * with no desktop running. In order:
 *
 * 1. no facts (no key has this lookup hash) → `KEY_UNKNOWN`;
 * 2. the status at `now` ({@link keyStatusAt}): `revoked` → `KEY_REVOKED`, `expired` →
 *    `KEY_EXPIRED` (an active key past `expiresAt` nobody rotated stays accepted until
 *    `expiresAt + graceDays`; every end is exclusive: at the exact instant it is over);
 * 3. the integration's API access off → `API_DISABLED`;
 * 4. a `clientIp` outside the integration's ACL → `IP_NOT_ALLOWED` (an empty ACL lets any address
 *    in; an unparsable address never matches a non-empty ACL). Without `clientIp` the ACL is not
 *    applied: local checks (the decoder, test key without an address) do not know the caller.
 *
 * Otherwise accepted, with the status now (`active`, or `grace` with its end). `createdAt` and
 * `endedAt` do not decide: a key is published when it is issued (a server's clock a little behind
 * the desktop's must not refuse a fresh key), and a recorded end is already in `status`.
 * Throws `INVALID_INPUT` only for a non-finite `now` (a programming error).
 */
export function keyAcceptance(facts: KeyFacts | null, now: number, clientIp?: string): Acceptance {
  assertTime(now);
  if (facts === null) {
    return { accepted: false, code: 'KEY_UNKNOWN' };
  }
  const standing = keyStatusAt(facts, now);
  if (standing.status === 'revoked') {
    return { accepted: false, code: 'KEY_REVOKED' };
  }
  if (standing.status === 'expired') {
    return { accepted: false, code: 'KEY_EXPIRED' };
  }
  if (!facts.enabled) {
    return { accepted: false, code: 'API_DISABLED' };
  }
  if (clientIp !== undefined && !facts.ipAllowed(clientIp)) {
    return { accepted: false, code: 'IP_NOT_ALLOWED' };
  }
  return { accepted: true, status: standing.status, graceEndsAt: standing.graceEndsAt };
}

const REFUSAL_TEXT: Record<RefusalCode, string> = {
  KEY_UNKNOWN: 'no key in the vault matches it',
  KEY_EXPIRED: 'the key has expired',
  KEY_REVOKED: 'the key was revoked',
  API_DISABLED: 'API access is disabled for its integration',
  IP_NOT_ALLOWED: "the caller's IP address is not in the integration's allow list",
  SECRET_EXPIRED: 'the Secret has expired',
  SECRET_REQUIRED: 'this integration accepts only Secrets, not raw keys',
  BAD_SIGNATURE: "the Secret's signature does not verify",
  KEY_MALFORMED: 'it is not a well-formed key (wrong shape or checksum)',
};

/**
 * The default English for a refusal code: lower case, no full stop, never key material, so an
 * interface can write `Refused: ${describeRefusal(code)}`. Interfaces may use their own words.
 */
export function describeRefusal(code: RefusalCode): string {
  return REFUSAL_TEXT[code];
}
