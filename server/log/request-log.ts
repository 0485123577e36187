import type { RequestLogEntry, Storage } from '../storage/storage.ts';

/** How many verifications these rows stand for. */
function callsOf(entries: readonly RequestLogEntry[]): number {
  let calls = 0;
  for (const entry of entries) {
    calls += entry.calls ?? 1;
  }
  return calls;
}

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
 *
 * Verifications alike — the same second, key, integration, outcome, client IP and instance — wait
 * as one row that counts them (`calls`), stamped with the first one's time. A gateway's client calls
 * with one key from one address many times a second; every row costs index upkeep on insert (at
 * 100k keys, ~10 µs a row on SQLite, more than the rest of a verification), and counting them keeps
 * the log's size to the number of distinct callers a second, not the request rate. Every
 * verification is still counted, to the second.
 *
 * The buffer is a set of columns, not an object per entry (`npm run bench:verify-key`): an entry
 * waits up to a second, long enough to survive the young generation's collections, so objects
 * would be copied and promoted by the thousand every second. The columns are reused from batch to
 * batch and only hold strings the server keeps anyway (key ids from the index, outcome codes, the
 * cached client address); entry objects are made only for the write, and die young.
 */
export class RequestLog {
  /** Buffered entries, one column per field; `count` rows are in use. */
  private at = new Float64Array(1024);
  private keyIds: (string | null)[] = new Array<string | null>(1024).fill(null);
  private integrationIds: (string | null)[] = new Array<string | null>(1024).fill(null);
  private outcomes: string[] = new Array<string>(1024).fill('');
  private clientIps: string[] = new Array<string>(1024).fill('');
  private instances: string[] = new Array<string>(1024).fill('');
  private calls = new Uint32Array(1024);
  private count = 0;
  /** The buffered row of each group of alike verifications (second, key, integration, outcome, IP, instance). */
  private readonly rows = new Map<string, number>();
  /** A batch whose write failed, older than the columns: written first next time. */
  private retry: RequestLogEntry[] = [];
  private readonly storage: Storage;
  private readonly flushSize: number;
  private readonly maxBuffered: number;
  private readonly retentionMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly pruneTimer: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  /** Verifications dropped because the buffer was full while storage was unreachable. */
  dropped = 0;
  /** Verifications written so far. */
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

  /** How many rows wait to be written (each counting one or more verifications). */
  get buffered(): number {
    return this.retry.length + this.count;
  }

  /** Records one verification (or `entry.calls` alike ones; in memory, written with the next batch). */
  record(entry: RequestLogEntry): void {
    this.add(
      entry.at,
      entry.keyId,
      entry.integrationId,
      entry.outcome,
      entry.clientIp,
      entry.instance,
      entry.calls ?? 1,
    );
  }

  /** {@link record} without an entry object: what the verify path calls for every request. */
  add(
    at: number,
    keyId: string | null,
    integrationId: string | null,
    outcome: string,
    clientIp: string,
    instance: string,
    calls = 1,
  ): void {
    const group = `${Math.floor(at / 1000)} ${outcome} ${clientIp} ${keyId} ${integrationId} ${instance}`;
    const alike = this.rows.get(group);
    if (alike !== undefined) {
      this.calls[alike] = (this.calls[alike] as number) + calls;
      return;
    }
    if (this.retry.length + this.count >= this.maxBuffered) {
      this.dropOldest();
    }
    if (this.count === this.at.length) {
      this.grow();
    }
    const row = this.count;
    this.at[row] = at;
    this.keyIds[row] = keyId;
    this.integrationIds[row] = integrationId;
    this.outcomes[row] = outcome;
    this.clientIps[row] = clientIp;
    this.instances[row] = instance;
    this.calls[row] = calls;
    this.rows.set(group, row);
    this.count = row + 1;
    if (this.count >= this.flushSize && this.flushing === null) {
      void this.flush();
    }
  }

  /** Storage has been down for a while: drops the oldest tenth at once (amortised O(1) per entry). */
  private dropOldest(): void {
    let drop = Math.max(1, Math.floor(this.maxBuffered / 10));
    const fromRetry = Math.min(drop, this.retry.length);
    if (fromRetry > 0) {
      this.dropped += callsOf(this.retry.splice(0, fromRetry));
      drop -= fromRetry;
    }
    if (drop > 0 && this.count > 0) {
      const entries = this.take();
      const fromColumns = Math.min(drop, entries.length);
      this.dropped += callsOf(entries.slice(0, fromColumns));
      this.retry = entries.slice(fromColumns);
    }
  }

  private grow(): void {
    const size = this.at.length * 2;
    const at = new Float64Array(size);
    at.set(this.at);
    this.at = at;
    const calls = new Uint32Array(size);
    calls.set(this.calls);
    this.calls = calls;
    const widen = <T>(column: T[], fill: T): T[] => {
      const wider = column.slice();
      for (let index = column.length; index < size; index += 1) {
        wider.push(fill);
      }
      return wider;
    };
    this.keyIds = widen(this.keyIds, null);
    this.integrationIds = widen(this.integrationIds, null);
    this.outcomes = widen(this.outcomes, '');
    this.clientIps = widen(this.clientIps, '');
    this.instances = widen(this.instances, '');
  }

  /** The buffered columns as entries (oldest first); empties the columns for reuse. */
  private take(): RequestLogEntry[] {
    const entries = new Array<RequestLogEntry>(this.count);
    for (let row = 0; row < this.count; row += 1) {
      entries[row] = {
        at: this.at[row] as number,
        keyId: this.keyIds[row] as string | null,
        integrationId: this.integrationIds[row] as string | null,
        outcome: this.outcomes[row] as string,
        clientIp: this.clientIps[row] as string,
        instance: this.instances[row] as string,
        calls: this.calls[row] as number,
      };
      // Let go of the strings (a key id of a deleted key must not be held by a stale row).
      this.keyIds[row] = null;
      this.integrationIds[row] = null;
    }
    this.count = 0;
    this.rows.clear();
    return entries;
  }

  /** Writes what is buffered now (one batch at a time). */
  flush(): Promise<void> {
    if (this.flushing !== null) {
      return this.flushing;
    }
    if (this.count === 0 && this.retry.length === 0) {
      return Promise.resolve();
    }
    const fresh = this.take();
    const batch = this.retry.length === 0 ? fresh : this.retry.concat(fresh);
    this.retry = [];
    this.flushing = this.storage
      .appendRequests(batch)
      .then(
        () => {
          this.written += callsOf(batch);
          this.failing = false;
        },
        () => {
          this.failing = true;
          // Keep them for the next write, in front of what came since, within the bound.
          const room = Math.max(0, this.maxBuffered - this.count - this.retry.length);
          const cut = Math.max(0, batch.length - room);
          const kept = batch.slice(cut);
          this.dropped += callsOf(batch.slice(0, cut));
          this.retry = kept.concat(this.retry);
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
    if (this.buffered > 0) {
      await this.flush();
    }
  }
}
