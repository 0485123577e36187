// The one place the UI calls main from: `await call('keys.revoke', {...})` answers the value or
// throws an IpcError with the contract's code — so screens write ordinary try/catch.
import type { Channel, EventName, EventPayload, InputArg, Output } from '../../../shared/ipc/contract.ts';
import { getApi } from './client.ts';
import type { KeywardApi } from './client.ts';
import { IpcError } from './ipc-error.ts';

let instance: KeywardApi | null = null;

/** The typed API over `window.keyward` (created on first use). */
export function api(): KeywardApi {
  instance ??= getApi();
  return instance;
}

/** Calls a channel; resolves to its value or rejects with an {@link IpcError}. */
export async function call<C extends Channel>(channel: C, input: InputArg<C>): Promise<Output<C>> {
  const result = await api().call(channel, input);
  if (!result.ok) {
    throw new IpcError(result.error);
  }
  return result.value;
}

/** Listens to a main→renderer event; returns the unsubscribe. */
export function onEvent<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  return api().on(event, listener);
}
