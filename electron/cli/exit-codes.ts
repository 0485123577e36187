import type { ErrorClass } from '../../shared/errors.ts';

/**
 * The `keyward` exit codes: 0 on success, and one code per error class so scripts can branch
 * on what went wrong without parsing messages. These numbers are part of the CLI's contract.
 */
export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  auth: 3,
  'not-found': 4,
  'invalid-state': 5,
  corrupt: 6,
  unavailable: 7,
  integrity: 8,
} as const satisfies Record<ErrorClass | 'ok', number>;

/** A documented exit code. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The exit code for an error class. */
export function exitCodeFor(errorClass: ErrorClass): ExitCode {
  return EXIT_CODES[errorClass];
}

/** The exit-code table as `--help` and the README show it. */
export const EXIT_CODE_HELP = [
  '  0  success',
  '  1  internal error (an unexpected failure; KEYWARD_DEBUG=1 shows details)',
  '  2  usage: unknown command or option, bad value, no password source, passwords differ',
  '  3  auth: wrong master password or code, locked out (retry-after given), not remembered,',
  '     re-authentication required (--totp CODE or the master password), the Keyward server',
  '     refused (a used enrolment code) or its certificate is not trusted',
  '  4  not found: no vault at the path, no such integration, key or backup',
  '  5  invalid state: e.g. a vault already exists, the active key cannot be deleted, no clipboard,',
  '     not connected to a Keyward server',
  '  6  corrupt: the vault header or database is damaged or foreign (files are left untouched)',
  '  7  unavailable: no usable OS keychain for --remember, the Keyward server cannot be reached',
  '  8  integrity: `log --verify` found an edited, reordered or deleted activity-log entry',
].join('\n');
