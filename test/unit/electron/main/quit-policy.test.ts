import { describe, expect, it } from 'vitest';
import {
  createQuitGuard,
  keepRunningWhenWindowsClosed,
  QUIT_FLUSH_TIMEOUT_MS,
} from '../../../../electron/main/quit-policy.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

describe('keepRunningWhenWindowsClosed', () => {
  it('macOS always; Windows with a tray; Linux never (a tray icon may be invisible there)', () => {
    expect(keepRunningWhenWindowsClosed({ platform: 'darwin', hasTray: false })).toBe(true);
    expect(keepRunningWhenWindowsClosed({ platform: 'win32', hasTray: true })).toBe(true);
    expect(keepRunningWhenWindowsClosed({ platform: 'win32', hasTray: false })).toBe(false);
    expect(keepRunningWhenWindowsClosed({ platform: 'linux', hasTray: true })).toBe(false);
  });
});

describe('createQuitGuard', () => {
  function setup(flush: () => Promise<void>) {
    const clock = new FakeClock();
    const steps: string[] = [];
    let prevented = 0;
    const event = () => ({ preventDefault: () => (prevented += 1) });
    const guard = createQuitGuard({
      clock,
      flush: () => {
        steps.push('flush');
        return flush();
      },
      close: () => steps.push('close'),
      quit: () => steps.push('quit'),
    });
    return { clock, steps, guard, event, prevented: () => prevented };
  }

  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('holds the first quit, flushes, closes, quits again — and lets that one through', async () => {
    const { steps, guard, event, prevented } = setup(() => Promise.resolve());
    guard(event());
    expect(prevented()).toBe(1);
    await tick();
    expect(steps).toEqual(['flush', 'close', 'quit']);
    guard(event());
    expect(prevented()).toBe(1);
  });

  it('holds further quits while flushing', async () => {
    let release = (): void => undefined;
    const { steps, guard, event, prevented } = setup(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    guard(event());
    guard(event());
    expect(prevented()).toBe(2);
    expect(steps).toEqual(['flush']);
    release();
    await tick();
    expect(steps).toEqual(['flush', 'close', 'quit']);
  });

  it('goes anyway when the flush hangs past the timeout', () => {
    const { clock, steps, guard, event } = setup(() => new Promise<void>(() => undefined));
    guard(event());
    clock.advance(QUIT_FLUSH_TIMEOUT_MS - 1);
    expect(steps).toEqual(['flush']);
    clock.advance(1);
    expect(steps).toEqual(['flush', 'close', 'quit']);
  });

  it('still closes (locks the vault) and quits when the flush fails or throws', async () => {
    const rejected = setup(() => Promise.reject(new Error('clipboard gone')));
    rejected.guard(rejected.event());
    await tick();
    expect(rejected.steps).toEqual(['flush', 'close', 'quit']);

    const thrown = setup(() => {
      throw new Error('sync failure');
    });
    thrown.guard(thrown.event());
    await tick();
    expect(thrown.steps).toEqual(['flush', 'close', 'quit']);
  });

  it('closes and quits once, even when the timeout and the flush race', async () => {
    let release = (): void => undefined;
    const { clock, steps, guard, event } = setup(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    guard(event());
    clock.advance(QUIT_FLUSH_TIMEOUT_MS);
    release();
    await tick();
    expect(steps).toEqual(['flush', 'close', 'quit']);
  });
});
