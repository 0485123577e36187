import { readFileSync } from 'node:fs';
import { KeywardError } from '../../shared/errors.ts';
import { checkServerUrl as checkSharedServerUrl } from '../../shared/sync/server-url.ts';
import { rateLimitSchema } from '../../shared/sync/rate-limit.ts';
import type { RateLimit } from '../../shared/sync/rate-limit.ts';
import { printableLine } from './present.ts';

/**
 * The checks `keyward server connect` makes before anything is asked for (a password, a TOTP
 * code) or sent: the URL's shape, plain http only to a loopback host, the enrolment code's shape,
 * the device name, a readable pinned certificate. The engine checks the URL again.
 */

function usage(message: string): KeywardError {
  return new KeywardError('USAGE', message);
}

/**
 * The server's base URL from `URL`, by the one rule (shared/sync/server-url.ts): absolute
 * `https://…`, or `http://…` to a loopback host only (127.0.0.0/8, ::1, localhost); no user name
 * or password in it, no query or fragment. Returned without a trailing slash. Anything else is a
 * USAGE error (exit 2, before any prompt) with the rule's words.
 */
export function checkServerUrl(raw: string): string {
  const check = checkSharedServerUrl(raw);
  if (!check.ok) {
    throw usage(
      check.problem === 'plain-http'
        ? `${check.message} (Add --pin-cert FILE for a self-signed certificate.)`
        : check.message,
    );
  }
  return check.url;
}

/** The alphabet of the codes `keyward-server init` prints (no 0/O, 1/I/L, U). */
const CODE_CHARACTER = '[ABCDEFGHJKMNPQRSTVWXYZ23456789]';

/**
 * An enrolment code as `keyward-server init` prints it (`XXXXX-XXXXX-XXXXX-XXXXX`): case, spaces
 * and dashes do not matter. Returns it in the printed form; anything else is a USAGE error (the
 * code itself is not repeated in the message).
 */
export function checkEnrolmentCode(raw: string): string {
  const compact = raw.toUpperCase().replace(/[\s-]/g, '');
  if (!new RegExp(`^${CODE_CHARACTER}{20}$`).test(compact)) {
    throw usage(
      '--code must be an enrolment code as `keyward-server init` or `devices add` prints it: four groups of five letters and digits (XXXXX-XXXXX-XXXXX-XXXXX).',
    );
  }
  return (compact.match(/.{5}/g) ?? []).join('-');
}

/** A device name for `--name`: 1–100 characters, no control characters; trimmed. */
export function checkDeviceName(raw: string): string {
  const name = raw.trim();
  if (name === '' || [...name].length > 100) {
    throw usage('--name must be 1–100 characters.');
  }
  if ([...name].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f)) {
    throw usage('--name must not contain control characters.');
  }
  return name;
}

/** The PEM certificate in `--pin-cert FILE` (read before anything is asked); USAGE when it is not one. */
export function readPinnedCert(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw usage(`--pin-cert ${printableLine(file.slice(0, 200))}: cannot read it (${code}).`);
  }
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(text)) {
    throw usage(
      `--pin-cert ${printableLine(file.slice(0, 200))}: not a PEM certificate (-----BEGIN CERTIFICATE-----).`,
    );
  }
  return text;
}

/**
 * `--rate-limit N/SECONDS` (at most N verifications per SECONDS, e.g. `100/60`) or `none` (null);
 * anything else is a USAGE error.
 */
export function rateLimitOption(value: string): RateLimit | null {
  const text = value.trim().toLowerCase();
  if (text === 'none' || text === 'off') {
    return null;
  }
  const match = /^(\d{1,9})\s*\/\s*(\d{1,9})\s*s?$/.exec(text);
  const parsed = match
    ? rateLimitSchema.safeParse({ requests: Number(match[1]), windowSeconds: Number(match[2]) })
    : null;
  if (parsed === null || !parsed.success) {
    throw usage(
      `--rate-limit must be N/SECONDS (at most N calls per SECONDS; N 1–1000000, SECONDS 1–86400, e.g. 100/60) or none, got "${printableLine(value.slice(0, 40))}".`,
    );
  }
  return parsed.data;
}

/** A rate limit in words: `100 calls per 60 s`, or `none`. */
export function describeRateLimit(limit: RateLimit | null): string {
  return limit === null
    ? 'none'
    : `${limit.requests} call${limit.requests === 1 ? '' : 's'} per ${limit.windowSeconds} s`;
}
