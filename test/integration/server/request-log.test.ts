import { afterEach, describe, expect, it } from 'vitest';
import { RequestLog } from '../../../server/log/request-log.ts';
import type { RequestLogEntry, Storage } from '../../../server/storage/storage.ts';
import { freshStorage } from '../../support/server-fixtures.ts';

// The request log's buffer (columns reused from batch to batch, server/log/request-log.ts) on a
// real SQLite storage: every verification is written once, in order, with all its fields, also
// across a storage outage, and the buffer stays bounded while storage is down.

const entry = (index: number): RequestLogEntry => ({
  at: 1_000_000 + index,
  keyId: index % 3 === 0 ? null : `k-${index % 7}`,
  integrationId: index % 3 === 0 ? null : 'i1',
  outcome: index % 3 === 0 ? 'KEY_UNKNOWN' : 'OK',
  clientIp: index % 2 === 0 ? '203.0.113.7' : '2001:db8::1',
  instance: 'node-a',
});

/** The real storage, with its log writes failing while `down` is set (storage unreachable). */
function switchable(storage: Storage): { storage: Storage; down: boolean } {
  const handle = { storage: Object.create(storage) as Storage, down: false };
  handle.storage.appendRequests = (entries: readonly RequestLogEntry[]) =>
    handle.down ? Promise.reject(new Error('unreachable')) : storage.appendRequests(entries);
  return handle;
}

describe('the request log', () => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  it('writes every entry once, in order, with its fields, across batches and an outage', async () => {
    const fresh = await freshStorage('sqlite');
    cleanup = fresh.cleanup;
    const target = switchable(fresh.storage);
    const log = new RequestLog(target.storage, { flushIntervalMs: 60_000, flushSize: 500 });
    const all = Array.from({ length: 3000 }, (_, index) => entry(index));
    // 1200 recorded (two batches start on their own at 500 and 1000), the rest during an outage.
    all
      .slice(0, 1200)
      .forEach((one) =>
        log.add(one.at, one.keyId, one.integrationId, one.outcome, one.clientIp, one.instance),
      );
    await log.flush();
    target.down = true;
    all.slice(1200, 2100).forEach((one) => log.record(one));
    await log.flush();
    expect(log.failing).toBe(true);
    all.slice(2100).forEach((one) => log.record(one));
    target.down = false;
    await log.close();
    expect(log.failing).toBe(false);
    expect(log.dropped).toBe(0);
    expect(log.written).toBe(3000);
    const stored = await fresh.storage.recentRequests({ limit: 10_000 });
    expect(stored.reverse()).toEqual(all);
  });

  it('keeps at most maxBuffered entries while storage is down, dropping the oldest', async () => {
    const fresh = await freshStorage('sqlite');
    cleanup = fresh.cleanup;
    const target = switchable(fresh.storage);
    const log = new RequestLog(target.storage, {
      flushIntervalMs: 60_000,
      flushSize: 100,
      maxBuffered: 1000,
    });
    target.down = true;
    const all = Array.from({ length: 2500 }, (_, index) => entry(index));
    for (const one of all) {
      log.record(one);
    }
    await log.flush();
    expect(log.buffered).toBeLessThanOrEqual(1000);
    target.down = false;
    await log.close();
    const stored = (await fresh.storage.recentRequests({ limit: 10_000 })).reverse();
    expect(stored.length + log.dropped).toBe(2500);
    // What is kept is the newest, in order.
    expect(stored).toEqual(all.slice(2500 - stored.length));
  });
});
