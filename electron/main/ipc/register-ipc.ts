// The only lines between `ipcMain` and the pure dispatch: one `ipcMain.handle` per contract channel.
import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { CHANNELS, ipcChannelName, ipcEventName } from '../../../shared/ipc/channels.ts';
import { events } from '../../../shared/ipc/contract.ts';
import type { Logger } from '../../../shared/log/logger.ts';
import type { EventName, EventPayload } from '../../../shared/ipc/contract.ts';
import { createDispatch, trustedSenderFor } from './dispatch.ts';
import type { Handlers, IpcSender } from './dispatch.ts';

function senderOf(event: IpcMainInvokeEvent, window: () => BrowserWindow | null): IpcSender {
  const frame = event.senderFrame;
  const ours = window();
  return {
    url: frame?.url ?? '',
    isMainFrame: frame !== null && frame === event.sender.mainFrame,
    isOurWindow: ours !== null && !ours.isDestroyed() && ours.webContents.id === event.sender.id,
  };
}

/**
 * Registers every channel of the contract; returns a function that removes them. `window` is the
 * main window (or null while there is none): calls from any other webContents are refused.
 */
export function registerIpc(options: {
  handlers: Handlers;
  origin: string;
  window: () => BrowserWindow | null;
  /** Where internal errors are recorded, with the id the user is shown. */
  logger?: Logger;
}): () => void {
  const dispatch = createDispatch({
    handlers: options.handlers,
    isTrustedSender: trustedSenderFor(options.origin),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  for (const channel of CHANNELS) {
    ipcMain.handle(ipcChannelName(channel), (event, payload: unknown) =>
      dispatch(channel, payload, senderOf(event, options.window)),
    );
  }
  return () => {
    for (const channel of CHANNELS) {
      ipcMain.removeHandler(ipcChannelName(channel));
    }
  };
}

/**
 * Sends a contract event to the main window (dropped when there is none). The payload is checked
 * against the contract first, so an event can carry nothing the contract does not list.
 */
export function sendEvent<E extends EventName>(
  window: BrowserWindow | null,
  event: E,
  payload: EventPayload<E>,
): void {
  if (window === null || window.isDestroyed()) {
    return;
  }
  const checked = events[event].safeParse(payload);
  if (checked.success) {
    window.webContents.send(ipcEventName(event), checked.data);
  }
}
