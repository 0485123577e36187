/**
 * Typed errors shared by the engine, the CLI, IPC and (later) the server.
 * Every error a user can meet has a stable `code`, a class that decides the CLI exit code,
 * and a message that never contains key material.
 */

/** The broad class of an error; the CLI maps each class to its own exit code. */
export type ErrorClass =
  'usage' | 'auth' | 'not-found' | 'invalid-state' | 'corrupt' | 'unavailable' | 'integrity' | 'internal';

/** Every error code Keyward emits, with its class. */
export const ERROR_CODES = {
  USAGE: 'usage',
  INVALID_INPUT: 'usage',
  WRONG_PASSWORD: 'auth',
  LOCKED_OUT: 'auth',
  VAULT_LOCKED: 'auth',
  REAUTH_REQUIRED: 'auth',
  NOT_REMEMBERED: 'auth',
  /** An IPC call from a frame that is not our window's main frame on the app's origin. */
  UNTRUSTED_SENDER: 'auth',
  VAULT_NOT_FOUND: 'not-found',
  NOT_FOUND: 'not-found',
  VAULT_EXISTS: 'invalid-state',
  INVALID_STATE: 'invalid-state',
  VAULT_CORRUPT: 'corrupt',
  KEYCHAIN_UNAVAILABLE: 'unavailable',
  /** The vault is not connected to a Keyward server (Settings → Server, `keyward server connect`). */
  NOT_CONNECTED: 'invalid-state',
  /** The Keyward server cannot be reached (network, DNS, timeout, or its storage is down: 503). */
  SERVER_UNREACHABLE: 'unavailable',
  /** The Keyward server refused: a used or expired enrolment code, a revoked device, a bad request. */
  SERVER_REJECTED: 'auth',
  /** The server's TLS certificate is not trusted (system CAs) or does not match the pinned one. */
  SERVER_UNTRUSTED: 'auth',
  /** The activity log's hash chain does not verify: an entry was edited, reordered or deleted. */
  LOG_TAMPERED: 'integrity',
  INTERNAL: 'internal',
} as const satisfies Record<string, ErrorClass>;

/** A known error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The wire form of an error: what IPC, `--json` and the server send. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  /** Milliseconds until a retry can succeed (backoff), when known. */
  retryAfterMs?: number;
}

/** The one error type Keyward throws on purpose. Its message is safe to show and to log. */
export class KeywardError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { retryAfterMs?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeywardError';
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** The error's class (usage, auth, …). */
  get errorClass(): ErrorClass {
    return ERROR_CODES[this.code];
  }

  /** The safe wire form. */
  toPayload(): ErrorPayload {
    return this.retryAfterMs === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

/** Turns anything thrown into a safe payload: unknown errors never leak their message or stack. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof KeywardError) {
    return error.toPayload();
  }
  return { code: 'INTERNAL', message: 'An unexpected internal error occurred.' };
}
