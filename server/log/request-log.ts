import type { RequestLogEntry, Storage } from '../storage/storage.ts';

/** One day in milliseconds. */
const DAY_MS = 86_400_000;

/** Options of {@link RequestLog}. */
export interface RequestLogOptions {
  /** How often the buffer is written (default 1000 ms). */
  flushIntervalMs?: number | undefined;
  /** Write early once this many entries wait (default 2000). */
  flushSize?: number | undefined;
  /** The most entries held while storage is unreachable; older ones are dropped and counted (default 100 000). */
  maxBuffered?: number | undefined;
  /** Days entries are kept (default 30). */
  retentionDays?: number | undefined;
  now?: (() => number) | undefined;
}

/**
 * The request log: every verification (time, key id, integration, outcome, client IP, instance),
 * buffered in memory and written in batches — one multi-row insert per interval, never a write per
 * request — and pruned to the retention period. If storage is down, entries wait (bounded) and
 * are written when it is back.
 */
export class RequestLog {
  private buffer: RequestLogEntry[] = [];
  private readonly storage: Storage;
  private readonly flushSize: number;
  private readonly maxBuffered: number;
  private readonly retentionMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly pruneTimer: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  /** Entries dropped because the buffer was full while storage was unreachable. */
  dropped = 0;
  /** Entries written so far. */
  written = 0;
  /** The last write failed (storage unreachable). */
  failing = false;

  constructor(storage: Storage, options: RequestLogOptions = {}) {
    this.storage = storage;
    this.flushSize = options.flushSize ?? 2000;
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.retentionMs = (options.retentionDays ?? 30) * DAY_MS;
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000);
    this.timer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), 3_600_000);
    this.pruneTimer.unref();
  }

  /** Records one verification (in memory; written with the next batch). */
  record(entry: RequestLogEntry): void {
    if (this.buffer.length >= this.maxBuffered) {
      // Storage has been down for a while: drop the oldest tenth at once (amortised O(1) per entry).
      const drop = Math.max(1, Math.floor(this.maxBuffered / 10));
      this.buffer.splice(0, drop);
      this.dropped += drop;
    }
    this.buffer.push(entry);
    if (this.buffer.length >= this.flushSize && this.flushing === null) {
      void this.flush();
    }
  }

  /** Writes what is buffered now (one batch at a time). */
  flush(): Promise<void> {
    if (this.flushing !== null) {
      return this.flushing;
    }
    if (this.buffer.length === 0) {
      return Promise.resolve();
    }
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.storage
      .appendRequests(batch)
      .then(
        () => {
          this.written += batch.length;
          this.failing = false;
        },
        () => {
          this.failing = true;
          // Put them back in front, within the bound.
          const room = Math.max(0, this.maxBuffered - this.buffer.length);
          const kept = batch.slice(Math.max(0, batch.length - room));
          this.dropped += batch.length - kept.length;
          this.buffer = kept.concat(this.buffer);
        },
      )
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  /** Deletes entries older than the retention period; resolves to how many. */
  async prune(): Promise<number> {
    try {
      return await this.storage.pruneRequests(this.now() - this.retentionMs);
    } catch {
      return 0;
    }
  }

  /** Stops the timers and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    await this.flush();
    if (this.buffer.length > 0) {
      await this.flush();
    }
  }
}
