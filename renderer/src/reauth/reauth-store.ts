import { create } from 'zustand';
import { errorCode } from '../api/ipc-error.ts';

interface ReauthRequest {
  /** Tells one request from the next (the dialog starts afresh for each). */
  id: number;
  /** What the user is about to do, in words: "Reveal the key of Payments". */
  purpose: string;
  resolve: (confirmed: boolean) => void;
}

interface ReauthState {
  request: ReauthRequest | null;
}

/**
 * The open re-authentication request, if any. Holds what the dialog asks and how to answer —
 * never the password or code typed (those live in the dialog's local state only).
 */
export const useReauth = create<ReauthState>(() => ({ request: null }));

let nextRequestId = 1;

/** Opens the re-authentication dialog; resolves true once the user re-authenticated, false if cancelled. */
export function requestReauth(purpose: string): Promise<boolean> {
  return new Promise((resolve) => {
    useReauth.getState().request?.resolve(false);
    useReauth.setState({
      request: {
        id: nextRequestId++,
        purpose,
        resolve: (confirmed) => {
          useReauth.setState({ request: null });
          resolve(confirmed);
        },
      },
    });
  });
}

/**
 * Runs a guarded action: when main answers REAUTH_REQUIRED, asks the user to re-authenticate and
 * runs it once more. Resolves to the action's value, or null when the user cancelled. Any other
 * error rejects as it came (an IpcError with its code).
 */
export async function guarded<T>(purpose: string, action: () => Promise<T>): Promise<T | null> {
  try {
    return await action();
  } catch (error) {
    if (errorCode(error) !== 'REAUTH_REQUIRED') {
      throw error;
    }
  }
  if (!(await requestReauth(purpose))) {
    return null;
  }
  return await action();
}
