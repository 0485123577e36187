import type { Storage } from '../storage/storage.ts';
import type { KeyIndex } from '../verify/key-index.ts';

/** Options of {@link IndexSync}. */
export interface IndexSyncOptions {
  /** How often the revision is polled, in case a notification was lost (default 1000 ms). */
  pollIntervalMs?: number | undefined;
  /** Retry delay for the first load while storage is unreachable (default 1000 ms). */
  retryMs?: number | undefined;
  now?: (() => number) | undefined;
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * Keeps a {@link KeyIndex} equal to storage: the first full load (retried until storage answers),
 * then "what changed since my revision" whenever a publish is notified (PostgreSQL `LISTEN/NOTIFY`)
 * and on a revision poll as the fallback. One catch-up runs at a time.
 */
export class IndexSync {
  private readonly storage: Storage;
  private readonly index: KeyIndex;
  private readonly pollIntervalMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  private running: Promise<void> | null = null;
  private again = false;
  private stopWatching: (() => Promise<void>) | null = null;
  private poll: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Milliseconds from the last applied revision's publish to its arrival here. */
  lastLagMs = 0;
  /** The last catch-up failed: storage is unreachable. */
  storageFailing = false;

  constructor(storage: Storage, index: KeyIndex, options: IndexSyncOptions = {}) {
    this.storage = storage;
    this.index = index;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.retryMs = options.retryMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
  }

  /** Starts listening and polling, and loads the index in the background (until it succeeds). */
  start(): void {
    void this.catchUp();
    void this.storage
      .watch(() => void this.catchUp())
      .then(
        (stop) => {
          if (this.stopped) {
            void stop();
          } else {
            this.stopWatching = stop;
          }
        },
        (error: unknown) => this.onError(error),
      );
    this.poll = setInterval(() => void this.catchUp(), this.pollIntervalMs);
    this.poll.unref();
  }

  /** Brings the index up to storage's revision; resolves when it did (or failed). */
  catchUp(): Promise<void> {
    if (this.running !== null) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.catchUp();
      }
    });
    return this.running;
  }

  private async run(): Promise<void> {
    try {
      const revision = await this.storage.currentRevision();
      this.storageFailing = false;
      if (this.index.loaded && revision <= this.index.revision) {
        return;
      }
      const changes = await this.storage.changesSince(Math.max(0, this.index.revision));
      if (changes.revision < this.index.revision) {
        return;
      }
      this.index.apply(changes);
      if (changes.publishedAt !== null) {
        this.lastLagMs = Math.max(0, this.now() - changes.publishedAt);
      }
    } catch (error) {
      this.storageFailing = true;
      this.onError(error);
      if (!this.index.loaded && !this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, this.retryMs).unref());
        this.again = true;
      }
    }
  }

  /** Stops listening and polling. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll !== null) {
      clearInterval(this.poll);
    }
    await this.running;
    await this.stopWatching?.();
  }
}
