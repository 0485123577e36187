import type { Clock, TimerHandle } from '../../electron/vault/clock.ts';

/** A clock tests move by hand: `advance` fires due timers in order. */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, { dueAt: number; callback: () => void }>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { dueAt: this.current + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** How many timers are armed. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing every timer that falls due on the way, in due order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let nextId: number | undefined;
      let next: { dueAt: number; callback: () => void } | undefined;
      for (const [id, timer] of this.timers) {
        if (timer.dueAt <= target && (next === undefined || timer.dueAt < next.dueAt)) {
          nextId = id;
          next = timer;
        }
      }
      if (nextId === undefined || next === undefined) {
        break;
      }
      this.timers.delete(nextId);
      this.current = next.dueAt;
      next.callback();
    }
    this.current = target;
  }
}
