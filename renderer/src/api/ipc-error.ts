/** An IPC call's typed error, as thrown by {@link call}: the contract's `{ code, message }`. */
export class IpcError extends Error {
  readonly code: string;
  /** Milliseconds until a retry can succeed (unlock backoff), when main said. */
  readonly retryAfterMs: number | undefined;

  constructor(error: { code: string; message: string; retryAfterMs?: number }) {
    super(error.message);
    this.name = 'IpcError';
    this.code = error.code;
    this.retryAfterMs = error.retryAfterMs;
  }
}

/** The code `call` rejects with when the user cancelled the re-authentication it asked for. */
export const REAUTH_CANCELLED = 'REAUTH_CANCELLED';

/** The code of an error from {@link call}, or 'INTERNAL' for anything else. */
export function errorCode(error: unknown): string {
  return error instanceof IpcError ? error.code : 'INTERNAL';
}

/** A message safe to show for any error (main's messages are written for users and carry no key material). */
export function errorMessage(error: unknown): string {
  if (error instanceof IpcError) {
    return error.message;
  }
  return 'Something went wrong inside Keyward. Try again; if it persists, restart the app.';
}
