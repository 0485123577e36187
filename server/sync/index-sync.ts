import type { Storage } from '../storage/storage.ts';
import type { KeyIndex } from '../verify/key-index.ts';

/** Keys read per page by the first load. */
export const KEY_PAGE = 1000;

/** Options of {@link IndexSync}. */
export interface IndexSyncOptions {
  /** How often the revision is polled, in case a notification was lost (default 1000 ms). */
  pollIntervalMs?: number | undefined;
  /** Retry delay for the first load while storage is unreachable (default 1000 ms). */
  retryMs?: number | undefined;
  now?: (() => number) | undefined;
  onError?: ((error: unknown) => void) | undefined;
  /** Keys per page of the first load (default {@link KEY_PAGE}). */
  keyPage?: number | undefined;
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
  private readonly keyPage: number;
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
    this.keyPage = options.keyPage ?? KEY_PAGE;
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
      if (!this.index.loaded) {
        await this.firstLoad();
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

  /**
   * The first load, in pages: the published state without its keys (revision R), then the keys
   * {@link KEY_PAGE} at a time, then the index is marked loaded at R. A page holds only what it
   * needs, so loading 100k keys never holds every row and its copies at once (the server's memory
   * target, `npm run bench:server-memory`). Publishes that land during the load are not missed:
   * the pages read the current rows, and the catch-up from R that follows re-applies everything
   * written after R (keys, integrations, tombstones) before or after it was paged in.
   */
  private async firstLoad(): Promise<void> {
    this.index.reset();
    const state = await this.storage.changesSince(0, { withoutKeys: true });
    const loading = { ...state, revision: -1 };
    this.index.apply(loading);
    let after = '';
    for (;;) {
      const page = await this.storage.keyPage(after, this.keyPage);
      this.index.putKeys(page);
      if (page.length < this.keyPage) {
        break;
      }
      after = (page[page.length - 1] as { keyId: string }).keyId;
    }
    this.index.apply({
      ...state,
      integrations: [],
      signingKeys: [],
      keys: [],
      removedIntegrations: [],
      removedKeys: [],
      removedSigningKeys: [],
    });
    if (state.publishedAt !== null) {
      this.lastLagMs = Math.max(0, this.now() - state.publishedAt);
    }
    this.again = true; // catch up with whatever was published while the pages were read
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
