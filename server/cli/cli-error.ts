/**
 * The `keyward-server` exit codes: the same numbers as the `keyward` CLI's classes, so scripts
 * branch the same way on both.
 */
export const SERVER_EXIT_CODES = {
  ok: 0,
  internal: 1,
  usage: 2,
  auth: 3,
  'not-found': 4,
  'invalid-state': 5,
  unavailable: 7,
} as const;

/** A class of {@link ServerCliError}. */
export type ServerErrorClass = Exclude<keyof typeof SERVER_EXIT_CODES, 'ok'>;

/** A typed `keyward-server` error: its class decides the exit code; its message is safe to print. */
export class ServerCliError extends Error {
  readonly errorClass: ServerErrorClass;
  readonly code: string;

  constructor(errorClass: ServerErrorClass, code: string, message: string) {
    super(message);
    this.name = 'ServerCliError';
    this.errorClass = errorClass;
    this.code = code;
  }

  /** The process exit code. */
  get exitCode(): number {
    return SERVER_EXIT_CODES[this.errorClass];
  }
}

/** The exit-code table for `--help`. */
export const SERVER_EXIT_HELP = [
  'Exit codes:',
  '  0  success',
  '  1  internal error',
  '  2  usage: unknown command or option, bad value (port, CIDR, file pair)',
  '  4  not found: no such device, TLS file missing',
  '  5  invalid state: e.g. the device is already revoked, the port is in use',
  '  7  unavailable: the database cannot be reached (DATABASE_URL) or opened',
].join('\n');
