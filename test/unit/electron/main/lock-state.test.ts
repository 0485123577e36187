import { describe, expect, it } from 'vitest';
import { afterEachHandler, LockStateTracker } from '../../../../electron/main/lock-state.ts';
import type { Handlers } from '../../../../electron/main/ipc/dispatch.ts';

describe('LockStateTracker', () => {
  it('reports the first state, then only changes', () => {
    let unlocked = false;
    const seen: boolean[] = [];
    const tracker = new LockStateTracker(
      () => unlocked,
      (state) => seen.push(state),
    );
    expect(tracker.unlocked).toBe(false);
    tracker.check();
    tracker.check();
    unlocked = true;
    tracker.check();
    tracker.check();
    expect(tracker.unlocked).toBe(true);
    unlocked = false;
    tracker.check();
    expect(seen).toEqual([false, true, false]);
  });
});

describe('afterEachHandler', () => {
  const handlers = {
    'vault.status': () => Promise.resolve('status'),
    'vault.lock': () => Promise.reject(new Error('nope')),
  } as unknown as Handlers;

  function call(wrapped: Handlers, channel: string): Promise<unknown> {
    return (
      (wrapped as unknown as Record<string, (input: unknown) => Promise<unknown>>)[channel]?.({}) ??
      Promise.resolve()
    );
  }

  it('runs the hook after every handler, passing results and errors through', async () => {
    let after = 0;
    const wrapped = afterEachHandler(handlers, () => {
      after += 1;
    });
    expect(Object.keys(wrapped)).toEqual(['vault.status', 'vault.lock']);
    await expect(call(wrapped, 'vault.status')).resolves.toBe('status');
    await expect(call(wrapped, 'vault.lock')).rejects.toThrow('nope');
    expect(after).toBe(2);
  });

  it('ignores a throwing hook', async () => {
    const wrapped = afterEachHandler(handlers, () => {
      throw new Error('bookkeeping failed');
    });
    await expect(call(wrapped, 'vault.status')).resolves.toBe('status');
  });

  it('runs the hook only once the handler settled', async () => {
    let settled = false;
    let sawSettled: boolean | null = null;
    const slow = {
      'vault.status': async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        settled = true;
        return 'ok';
      },
    } as unknown as Handlers;
    const wrapped = afterEachHandler(slow, () => {
      sawSettled = settled;
    });
    await call(wrapped, 'vault.status');
    expect(sawSettled).toBe(true);
  });
});
