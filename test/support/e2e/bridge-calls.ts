// Calls through `window.keyward` from the page (or one of its frames), as the renderer makes them: the
// same bridge, binding, sender check and dispatch as any click in the UI.
import type { Frame, Page } from 'playwright-core';
import type { Channel, InputArg, IpcResult, Output } from '../../../shared/ipc/contract.ts';
import type { PageGlobals } from './page-globals.ts';

/**
 * `window.keyward.call(channel, input)` in `where`, without any typing: for the tests that send what
 * the contract refuses (unknown channels, bad input, calls from other frames).
 */
export function rawBridgeCall(
  where: Page | Frame,
  channel: unknown,
  input: unknown,
): Promise<IpcResult<unknown>> {
  return where.evaluate(
    ([name, payload]) =>
      (globalThis as unknown as PageGlobals).keyward.call(name as string, payload) as Promise<
        IpcResult<unknown>
      >,
    [channel, input] as const,
  );
}

/** `window.keyward.call(channel, input)` in `where`, typed by the contract. */
export function bridgeCall<C extends Channel>(
  where: Page | Frame,
  channel: C,
  input: InputArg<C>,
): Promise<IpcResult<Output<C>>> {
  return rawBridgeCall(where, channel, input) as Promise<IpcResult<Output<C>>>;
}

/** The value of an `ok` result; throws, with the code and message, for an error result. */
export function okValue<T>(result: IpcResult<T>): T {
  if (!result.ok) {
    throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  }
  return result.value;
}
