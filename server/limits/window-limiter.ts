/** The answer of {@link WindowLimiter.take} / {@link WindowLimiter.check}. */
export interface LimitState {
  /** False when the limit is used up: answer 429. */
  allowed: boolean;
  /** The limit per window. */
  limit: number;
  /** What is left in this window. */
  remaining: number;
  /** Seconds until the window resets (≥ 1). */
  resetSeconds: number;
}

interface Window {
  start: number;
  count: number;
}

/**
 * Fixed-window counters per name (an IP address, an integration id), in this process's memory.
 * O(1) per call: one map look-up, no allocation on the hot path ({@link over}). Bounded: at most
 * `maxEntries` names are tracked; expired windows are swept when it is full, at most once per
 * window length (a table full of live windows is not rescanned on every new name).
 */
export class WindowLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly maxEntries: number;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(options: { maxEntries?: number } = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  private window(name: string, windowMs: number, now: number, create: boolean): Window | undefined {
    let window = this.windows.get(name);
    if (window !== undefined && now - window.start >= windowMs) {
      window.start = now;
      window.count = 0;
    }
    if (window === undefined && create) {
      if (this.windows.size >= this.maxEntries) {
        if (now - this.lastSweep >= windowMs) {
          this.lastSweep = now;
          this.sweep(windowMs, now);
        }
        if (this.windows.size >= this.maxEntries) {
          return undefined;
        }
      }
      window = { start: now, count: 0 };
      this.windows.set(name, window);
    }
    return window;
  }

  private sweep(windowMs: number, now: number): void {
    for (const [name, window] of this.windows) {
      if (now - window.start >= windowMs) {
        this.windows.delete(name);
      }
    }
  }

  private state(
    window: Window | undefined,
    limit: number,
    windowMs: number,
    now: number,
    allowed: boolean,
  ): LimitState {
    const count = window?.count ?? 0;
    const resetMs = window === undefined ? windowMs : window.start + windowMs - now;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
    };
  }

  /** Counts one event for `name` if the limit allows it. */
  take(name: string, limit: number, windowMs: number, now: number): LimitState {
    const window = this.window(name, windowMs, now, true);
    if (window === undefined) {
      return this.state(window, limit, windowMs, now, true);
    }
    if (window.count >= limit) {
      return this.state(window, limit, windowMs, now, false);
    }
    window.count += 1;
    return this.state(window, limit, windowMs, now, true);
  }

  /** Is `name` at or over its limit in the current window? Counts nothing, allocates nothing. */
  over(name: string, limit: number, windowMs: number, now: number): boolean {
    const window = this.windows.get(name);
    return window !== undefined && now - window.start < windowMs && window.count >= limit;
  }

  /** Is `name` still under its limit? Counts nothing. */
  check(name: string, limit: number, windowMs: number, now: number): LimitState {
    const window = this.window(name, windowMs, now, false);
    return this.state(window, limit, windowMs, now, window === undefined || window.count < limit);
  }

  /** Counts one event for `name` whatever the limit. */
  add(name: string, windowMs: number, now: number): void {
    const window = this.window(name, windowMs, now, true);
    if (window !== undefined) {
      window.count += 1;
    }
  }

  /** How many names are tracked. */
  get size(): number {
    return this.windows.size;
  }
}
