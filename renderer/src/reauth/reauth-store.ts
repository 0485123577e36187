import { create } from 'zustand';

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

/**
 * Opens the re-authentication dialog; resolves true once the user re-authenticated, false if
 * cancelled (or the vault locked meanwhile). `api.ts`'s `call` is its one caller: it asks when a
 * channel that declares `reauth` answers REAUTH_REQUIRED, then retries.
 */
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
