import { describe, expect, it, vi } from 'vitest';
import { createBridge } from '../../../electron/preload/bridge.ts';

function fakeIpc() {
  const listeners = new Map<string, (event: unknown, payload: unknown) => void>();
  return {
    listeners,
    invoke: vi.fn((channel: string, input: unknown) =>
      Promise.resolve({ ok: true, value: { channel, input } }),
    ),
    on: vi.fn((name: string, listener: (event: unknown, payload: unknown) => void) => {
      listeners.set(name, listener);
    }),
    removeListener: vi.fn((name: string) => {
      listeners.delete(name);
    }),
  };
}

describe('the preload bridge', () => {
  it('calls only contract channels, on their namespaced IPC names', async () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc as never, '1.2.3');
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(bridge.version).toBe('1.2.3');
    expect(await bridge.call('keys.list', {})).toEqual({
      ok: true,
      value: { channel: 'keyward:keys.list', input: {} },
    });
    for (const channel of ['keys.steal', '__proto__', 'toString', 7 as unknown as string]) {
      expect(await bridge.call(channel, {})).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    }
    expect(ipc.invoke).toHaveBeenCalledTimes(1);
  });

  it('passes listeners the payload only, never the IPC event, and unsubscribes', () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc as never, '1');
    const listener = vi.fn();
    const off = bridge.on('vault.locked', listener);
    ipc.listeners.get('keyward-event:vault.locked')?.({ sender: 'secret' }, { reason: 'idle' });
    expect(listener).toHaveBeenCalledWith({ reason: 'idle' });
    expect(listener.mock.calls[0]).toHaveLength(1);
    off();
    expect(ipc.listeners.size).toBe(0);
    bridge.on('not.an.event', listener);
    expect(ipc.on).toHaveBeenCalledTimes(1);
  });
});
