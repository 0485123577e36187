// The bridge the renderer sees as `window.keyward`. Imports only the channel NAME lists (no zod), so
// the preload bundle stays small. The page can reach only the contract's channels and events: a name
// outside the lists is refused here, and main checks the sender and the input again.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { CHANNELS, EVENTS, ipcChannelName, ipcEventName } from '../../shared/ipc/channels.ts';

/** What the renderer sees as `window.keyward`. */
export interface KeywardBridge {
  /** The app version. */
  readonly version: string;
  /** Calls a contract channel; resolves to an `IpcResult` (never rejects for a handler's error). */
  call(channel: string, input: unknown): Promise<unknown>;
  /** Listens to a main→renderer event; returns the function that stops listening. */
  on(event: string, listener: (payload: unknown) => void): () => void;
}

const channelSet = new Set<string>(CHANNELS);
const eventSet = new Set<string>(EVENTS);

/** Builds the frozen bridge over `ipcRenderer` (which itself is never exposed). */
export function createBridge(
  ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>,
  version: string,
): KeywardBridge {
  return Object.freeze({
    version,
    call(channel: string, input: unknown): Promise<unknown> {
      if (typeof channel !== 'string' || !channelSet.has(channel)) {
        return Promise.resolve({ ok: false, error: { code: 'USAGE', message: 'Unknown IPC channel.' } });
      }
      return ipc.invoke(ipcChannelName(channel), input);
    },
    on(event: string, listener: (payload: unknown) => void): () => void {
      if (typeof event !== 'string' || !eventSet.has(event) || typeof listener !== 'function') {
        return () => undefined;
      }
      const name = ipcEventName(event);
      // Only the payload crosses: the IpcRendererEvent (with `sender`) stays in the preload.
      const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipc.on(name, wrapped);
      return () => {
        ipc.removeListener(name, wrapped);
      };
    },
  });
}
