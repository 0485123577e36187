import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ClipboardChange } from '../../../../electron/vault/clipboard/clipboard-guard.ts';
import { ClipboardGuard } from '../../../../electron/vault/clipboard/clipboard-guard.ts';
import { clipboardDigest } from '../../../../electron/vault/clipboard/clipboard-content.ts';
import { createLogger, MemoryLogSink } from '../../../../shared/log/logger.ts';
import { codeOfAsync } from '../../../support/checks.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { MemoryClipboard } from './memory-clipboard.ts';

const SECRET = 'kw_live_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';
const OTHER_SECRET = 'kw_live_ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvutsrq';

/** Lets the guard's queued clipboard work (promise callbacks) run to the end. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function setUp(options: { supportsSelection?: boolean } = {}) {
  const clipboard = new MemoryClipboard(options);
  const clock = new FakeClock();
  const guard = new ClipboardGuard(clipboard, clock);
  const changes: ClipboardChange[] = [];
  guard.onChange((change) => changes.push(change));
  const kinds = () => changes.map((change) => change.kind);
  return { clipboard, clock, guard, changes, kinds };
}

/** Moves the fake clock and lets whatever the timer started finish. */
async function advance(clock: FakeClock, ms: number): Promise<void> {
  clock.advance(ms);
  await settle();
}

describe('ClipboardGuard', () => {
  it('clears the clipboard and the selection after the delay when they still hold the copy', async () => {
    const { clipboard, clock, guard, changes, kinds } = setUp();
    const result = await guard.copy(SECRET, { clearAfterSeconds: 30 });

    expect(result).toEqual({ targets: ['clipboard', 'selection'], clearAt: clock.now() + 30_000 });
    expect(clipboard.contents.get('clipboard')).toBe(SECRET);
    expect(clipboard.contents.get('selection')).toBe(SECRET);
    expect(guard.remainingMs()).toBe(30_000);

    await advance(clock, 29_999);
    expect(clipboard.contents.get('clipboard')).toBe(SECRET);
    expect(guard.remainingMs()).toBe(1);

    await advance(clock, 1);
    expect(clipboard.contents.has('clipboard')).toBe(false);
    expect(clipboard.contents.has('selection')).toBe(false);
    expect(kinds()).toEqual(['copied', 'expired', 'cleared']);
    expect(changes[2]).toEqual({
      kind: 'cleared',
      targets: ['clipboard', 'selection'],
      leftAlone: [],
      failed: [],
    });
    expect(guard.remainingMs()).toBeNull();
    expect(clock.pendingTimers).toBe(0);
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    const { clipboard, clock, guard, changes } = setUp({ supportsSelection: false });
    await guard.copy(SECRET, { clearAfterSeconds: 10 });
    clipboard.userCopies('a shopping list');

    await advance(clock, 10_000);
    expect(clipboard.contents.get('clipboard')).toBe('a shopping list');
    expect(clipboard.operations).not.toContain('clear:clipboard');
    expect(changes.at(-1)).toEqual({ kind: 'left-alone', targets: ['clipboard'], failed: [] });
  });

  it('checks the primary selection on its own: clears it, or leaves the user’s new selection', async () => {
    const { clipboard, clock, guard, changes } = setUp();
    await guard.copy(SECRET, { clearAfterSeconds: 10 });
    clipboard.userCopies('text the user selected', 'selection');

    await advance(clock, 10_000);
    expect(clipboard.contents.has('clipboard')).toBe(false);
    expect(clipboard.contents.get('selection')).toBe('text the user selected');
    expect(changes.at(-1)).toEqual({
      kind: 'cleared',
      targets: ['clipboard'],
      leftAlone: ['selection'],
      failed: [],
    });

    const second = setUp();
    await second.guard.copy(SECRET, { clearAfterSeconds: 10 });
    second.clipboard.userCopies('a new clipboard', 'clipboard');
    await advance(second.clock, 10_000);
    expect(second.clipboard.contents.get('clipboard')).toBe('a new clipboard');
    expect(second.clipboard.contents.has('selection')).toBe(false);
  });

  it('never writes a selection where the platform has none', async () => {
    const { clipboard, clock, guard } = setUp({ supportsSelection: false });
    const result = await guard.copy(SECRET, { clearAfterSeconds: 10 });
    expect(result.targets).toEqual(['clipboard']);
    await advance(clock, 10_000);
    expect(clipboard.operations).toEqual(['write:clipboard', 'read:clipboard', 'clear:clipboard']);
  });

  it('never clears a copy made with "never" (null)', async () => {
    const { clipboard, clock, guard, kinds } = setUp();
    const result = await guard.copy(SECRET, { clearAfterSeconds: null });
    expect(result.clearAt).toBeNull();
    expect(guard.remainingMs()).toBeNull();
    expect(clock.pendingTimers).toBe(0);

    await advance(clock, 365 * 24 * 3_600_000);
    expect(clipboard.contents.get('clipboard')).toBe(SECRET);
    expect(clipboard.contents.get('selection')).toBe(SECRET);
    expect(kinds()).toEqual(['copied']);
  });

  it('a second copy restarts the countdown, and the first one’s timer cannot clear its text', async () => {
    const { clipboard, clock, guard, kinds } = setUp();
    await guard.copy(SECRET, { clearAfterSeconds: 30 });
    await advance(clock, 20_000);

    await guard.copy(OTHER_SECRET, { clearAfterSeconds: 30 });
    expect(guard.remainingMs()).toBe(30_000);
    expect(clock.pendingTimers).toBe(1);

    await advance(clock, 15_000); // the first copy's 30 s are over
    expect(clipboard.contents.get('clipboard')).toBe(OTHER_SECRET);
    expect(clipboard.contents.get('selection')).toBe(OTHER_SECRET);
    expect(clipboard.operations.filter((op) => !op.startsWith('write'))).toEqual([]);
    expect(guard.remainingMs()).toBe(15_000);

    await advance(clock, 15_000);
    expect(clipboard.contents.has('clipboard')).toBe(false);
    expect(kinds()).toEqual(['copied', 'copied', 'expired', 'cleared']);
  });

  it('a second copy with "never" cancels the first one’s clear', async () => {
    const { clipboard, clock, guard } = setUp();
    await guard.copy(SECRET, { clearAfterSeconds: 10 });
    await guard.copy(OTHER_SECRET, { clearAfterSeconds: null });
    expect(guard.remainingMs()).toBeNull();
    await advance(clock, 60_000);
    expect(clipboard.contents.get('clipboard')).toBe(OTHER_SECRET);
  });

  it('a copy of the same text again restarts the countdown', async () => {
    const { clipboard, clock, guard } = setUp();
    await guard.copy(SECRET, { clearAfterSeconds: 10 });
    await advance(clock, 8_000);
    await guard.copy(SECRET, { clearAfterSeconds: 10 });
    await advance(clock, 8_000);
    expect(clipboard.contents.get('clipboard')).toBe(SECRET);
    await advance(clock, 2_000);
    expect(clipboard.contents.has('clipboard')).toBe(false);
  });

  it('a countdown that ends while a new copy is being written waits for it, then has nothing to do', async () => {
    const { clipboard, clock, guard } = setUp();
    await guard.copy(SECRET, { clearAfterSeconds: 10 });

    let openGate = (): void => undefined;
    clipboard.writeGate = new Promise((resolve) => {
      openGate = resolve;
    });
    const secondCopy = guard.copy(OTHER_SECRET, { clearAfterSeconds: 10 });
    await advance(clock, 10_000); // the first timer fires while the second copy is still writing
    expect(clipboard.operations.some((op) => op.startsWith('read'))).toBe(false);

    clipboard.writeGate = null;
    openGate();
    await secondCopy;
    await settle();
    expect(clipboard.contents.get('clipboard')).toBe(OTHER_SECRET);
    expect(guard.remainingMs()).toBe(10_000);
  });

  it('keeps only a digest of the copied text, never the text', async () => {
    const { guard, clipboard } = setUp();
    await guard.copy(SECRET, { clearAfterSeconds: 30 });
    clipboard.contents.clear(); // the fake's own copy is not the guard's state
    const state = inspect(guard, { depth: 10, showHidden: true });
    expect(state).not.toContain(SECRET);
    expect(state).toContain(clipboardDigest(SECRET));
  });

  it('a failed clipboard write rejects and keeps the earlier copy’s countdown', async () => {
    const { clipboard, clock, guard } = setUp({ supportsSelection: false });
    await guard.copy(SECRET, { clearAfterSeconds: 10 });
    clipboard.failing.add('write:clipboard');
    await expect(guard.copy(OTHER_SECRET, { clearAfterSeconds: 60 })).rejects.toThrow(/failed/);
    expect(guard.remainingMs()).toBe(10_000);
    await advance(clock, 10_000);
    expect(clipboard.contents.has('clipboard')).toBe(false);
  });

  it('a failed selection write still copies to the clipboard, and only the clipboard is cleared', async () => {
    const { clipboard, clock, guard } = setUp();
    clipboard.failing.add('write:selection');
    const result = await guard.copy(SECRET, { clearAfterSeconds: 10 });
    expect(result.targets).toEqual(['clipboard']);
    await advance(clock, 10_000);
    expect(clipboard.operations).not.toContain('read:selection');
    expect(clipboard.contents.has('clipboard')).toBe(false);
  });

  it('reports a target it could not read as failed, and carries on', async () => {
    const { clipboard, clock, guard, changes } = setUp();
    await guard.copy(SECRET, { clearAfterSeconds: 10 });
    clipboard.failing.add('read:clipboard');
    await advance(clock, 10_000);
    expect(clipboard.contents.has('selection')).toBe(false);
    expect(changes.at(-1)).toEqual({
      kind: 'cleared',
      targets: ['selection'],
      leftAlone: [],
      failed: ['clipboard'],
    });
    expect(clock.pendingTimers).toBe(0);
  });

  it('a clear that failed, and a listener that threw, are warnings in the log (never the text)', async () => {
    const clipboard = new MemoryClipboard();
    const clock = new FakeClock();
    const sink = new MemoryLogSink();
    const guard = new ClipboardGuard(clipboard, clock, createLogger({ sink }));
    guard.onChange(() => {
      throw new Error('listener bug');
    });
    await guard.copy(SECRET, { clearAfterSeconds: 10 });
    clipboard.failing.add('read:clipboard');
    await advance(clock, 10_000);
    const warnings = sink.records.filter((record) => record.level === 'warn');
    expect(warnings.map((record) => record.message)).toContain('could not clear a copy from the clipboard');
    expect(warnings.find((record) => record.fields['target'] === 'clipboard')).toBeDefined();
    expect(warnings.some((record) => record.message === 'a clipboard listener threw')).toBe(true);
    expect(JSON.stringify(sink.records)).not.toContain(SECRET);
  });

  it('clearNow checks at once, with the same rule', async () => {
    const { clipboard, clock, guard } = setUp();
    await guard.copy(SECRET, { clearAfterSeconds: 300 });
    clipboard.userCopies('mine', 'selection');
    await guard.clearNow();
    expect(clipboard.contents.has('clipboard')).toBe(false);
    expect(clipboard.contents.get('selection')).toBe('mine');
    expect(guard.remainingMs()).toBeNull();
    expect(clock.pendingTimers).toBe(0);
  });

  it('a throwing listener does not stop the countdown', async () => {
    const { clipboard, clock, guard } = setUp();
    guard.onChange(() => {
      throw new Error('listener bug');
    });
    await guard.copy(SECRET, { clearAfterSeconds: 10 });
    await advance(clock, 10_000);
    expect(clipboard.contents.has('clipboard')).toBe(false);
  });

  it('dispose stops the countdown without touching the clipboard; later copies are refused', async () => {
    const { clipboard, clock, guard } = setUp();
    await guard.copy(SECRET, { clearAfterSeconds: 10 });
    guard.dispose();
    expect(clock.pendingTimers).toBe(0);
    await advance(clock, 60_000);
    expect(clipboard.contents.get('clipboard')).toBe(SECRET);
    expect(await codeOfAsync(guard.copy(SECRET, { clearAfterSeconds: 10 }))).toBe('INVALID_STATE');
  });

  it('refuses a negative or non-finite delay', async () => {
    const { guard, clipboard } = setUp();
    expect(await codeOfAsync(guard.copy(SECRET, { clearAfterSeconds: -1 }))).toBe('INVALID_INPUT');
    expect(await codeOfAsync(guard.copy(SECRET, { clearAfterSeconds: Number.NaN }))).toBe('INVALID_INPUT');
    expect(await codeOfAsync(guard.copy(SECRET, { clearAfterSeconds: Infinity }))).toBe('INVALID_INPUT');
    expect(clipboard.operations).toEqual([]);
  });

  it('unsubscribed listeners hear nothing more', async () => {
    const { guard, clock } = setUp();
    const heard: string[] = [];
    const unsubscribe = guard.onChange((change) => heard.push(change.kind));
    await guard.copy(SECRET, { clearAfterSeconds: 1 });
    unsubscribe();
    await advance(clock, 1_000);
    expect(heard).toEqual(['copied']);
  });
});
