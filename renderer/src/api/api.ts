// The one place the UI calls main from: `await call('keys.revoke', {...})` answers the value or
// throws an IpcError with the contract's code — so screens write ordinary try/catch. It is also the
// one place that handles REAUTH_REQUIRED: on a channel the contract declares (`reauth`), it asks the
// user to re-authenticate (the dialog) and runs the call once more.
import { needsReauthHandling } from '../../../shared/ipc/channels.ts';
import type { Channel, EventName, EventPayload, InputArg, Output } from '../../../shared/ipc/contract.ts';
import { reauthPurpose } from '../reauth/reauth-purposes.ts';
import { requestReauth } from '../reauth/reauth-store.ts';
import { getApi } from './client.ts';
import type { KeywardApi } from './client.ts';
import { IpcError, REAUTH_CANCELLED } from './ipc-error.ts';

let instance: KeywardApi | null = null;

/** The typed API over `window.keyward` (created on first use). */
export function api(): KeywardApi {
  instance ??= getApi();
  return instance;
}

/** Options of one {@link call}. */
export interface CallOptions {
  /**
   * What the user is about to do, in words, should the call need a re-authentication ("Reveal the
   * key of Payments"); without it, the channel's generic words (`reauth-purposes.ts`).
   */
  purpose?: string;
}

/**
 * Calls a channel; resolves to its value or rejects with an {@link IpcError}. When a channel that
 * declares `reauth` in the contract answers REAUTH_REQUIRED, the re-authentication dialog opens and,
 * once the user confirmed, the call runs again; if the user cancels, it rejects with
 * {@link REAUTH_CANCELLED} (nothing was done). No screen handles REAUTH_REQUIRED itself.
 */
export async function call<C extends Channel>(
  channel: C,
  input: InputArg<C>,
  options: CallOptions = {},
): Promise<Output<C>> {
  const result = await api().call(channel, input);
  if (result.ok) {
    return result.value;
  }
  if (result.error.code !== 'REAUTH_REQUIRED' || !needsReauthHandling(channel)) {
    throw new IpcError(result.error);
  }
  if (!(await requestReauth(options.purpose ?? reauthPurpose(channel)))) {
    throw new IpcError({ code: REAUTH_CANCELLED, message: 'Cancelled: nothing was changed.' });
  }
  const retried = await api().call(channel, input);
  if (!retried.ok) {
    throw new IpcError(retried.error);
  }
  return retried.value;
}

/**
 * {@link call} for an action the user may back out of at the re-authentication dialog: null when
 * they cancelled (nothing was done), the value otherwise.
 */
export async function callUnlessCancelled<C extends Channel>(
  channel: C,
  input: InputArg<C>,
  options: CallOptions = {},
): Promise<Output<C> | null> {
  try {
    return await call(channel, input, options);
  } catch (error) {
    if (error instanceof IpcError && error.code === REAUTH_CANCELLED) {
      return null;
    }
    throw error;
  }
}

/** Listens to a main→renderer event; returns the unsubscribe. */
export function onEvent<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  return api().on(event, listener);
}
