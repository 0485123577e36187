// The renderer's typed wrapper around `window.keyward` (built by the preload). Types only from the
// contract: nothing of zod reaches the renderer bundle through this file.
import type {
  Channel,
  EventName,
  EventPayload,
  InputArg,
  IpcResult,
  Output,
} from '../../../shared/ipc/contract.ts';

/** The untyped bridge as the preload exposes it. */
interface RawBridge {
  readonly version: string;
  call(channel: string, input: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** The typed API the UI uses: `api.call('keys.revoke', {...})`. */
export interface KeywardApi {
  readonly version: string;
  call<C extends Channel>(channel: C, input: InputArg<C>): Promise<IpcResult<Output<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Wraps a bridge (the real one, or the one the browser test harness installs). */
export function createApi(bridge: RawBridge): KeywardApi {
  return {
    version: bridge.version,
    // Main validated the output against the contract before it crossed.
    call: (channel, input) => bridge.call(channel, input) as Promise<IpcResult<Output<typeof channel>>>,
    on: (event, listener) => bridge.on(event, (payload) => listener(payload as EventPayload<typeof event>)),
  };
}

/** The API over `window.keyward`; throws when the page runs without the preload. */
export function getApi(): KeywardApi {
  // `globalThis` is the window in the page (and lets Node unit tests install a bridge without a DOM).
  const bridge = (globalThis as { keyward?: RawBridge }).keyward;
  if (bridge === undefined || typeof bridge.call !== 'function') {
    throw new Error('window.keyward is missing: the page must run inside Keyward (or its test harness).');
  }
  return createApi(bridge);
}
