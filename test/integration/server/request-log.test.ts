import { afterEach, describe, expect, it } from 'vitest';
import { RequestLog } from '../../../server/log/request-log.ts';
import type { RequestLogEntry, Storage } from '../../../server/storage/storage.ts';
import { freshStorage } from '../../support/server-fixtures.ts';

// The request log's buffer (columns reused from batch to batch, server/log/request-log.ts) on a
// real SQLite storage: every verification is written once, in order, with all its fields, also
// across a storage outage; alike verifications within a second are one row that counts them; the
// buffer stays bounded while storage is down.

/** Verification number `index`, each in a second of its own (so none are alike). */
const entry = (index: number): RequestLogEntry => ({
  at: 1_000_000 + index * 1000,
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
    expect(stored.reverse()).toEqual(all.map((one) => ({ ...one, calls: 1 })));
  });

  it('counts alike verifications of one second in one row, and no others with them', async () => {
    const fresh = await freshStorage('sqlite');
    cleanup = fresh.cleanup;
    const log = new RequestLog(fresh.storage, { flushIntervalMs: 60_000 });
    const second = 1_700_000_000_000;
    const call = (at: number, changes: Partial<RequestLogEntry> = {}) =>
      log.record({ ...entry(0), at, keyId: 'k-1', integrationId: 'i1', outcome: 'OK', ...changes });
    for (let index = 0; index < 1000; index += 1) {
      call(second + 250 + (index % 700)); // a burst: one key, one address, one second
    }
    call(second + 999, { clientIp: '198.51.100.1' }); // another address
    call(second + 999, { outcome: 'KEY_REVOKED' }); // another outcome
    call(second + 999, { keyId: 'k-2' }); // another key
    call(second + 999, { instance: 'node-b' }); // another instance
    call(second + 1000); // the next second
    call(second + 1001);
    await log.close();
    expect(log.written).toBe(1006);
    const stored = (await fresh.storage.recentRequests({ limit: 100 })).reverse();
    expect(
      stored.map((row) => [row.at - second, row.calls, row.clientIp, row.outcome, row.keyId, row.instance]),
    ).toEqual([
      [250, 1000, '203.0.113.7', 'OK', 'k-1', 'node-a'],
      [999, 1, '198.51.100.1', 'OK', 'k-1', 'node-a'],
      [999, 1, '203.0.113.7', 'KEY_REVOKED', 'k-1', 'node-a'],
      [999, 1, '203.0.113.7', 'OK', 'k-2', 'node-a'],
      [999, 1, '203.0.113.7', 'OK', 'k-1', 'node-b'],
      [1000, 2, '203.0.113.7', 'OK', 'k-1', 'node-a'],
    ]);
    // The usage summary counts verifications, not rows.
    const usage = await fresh.storage.usageSummary('i1', second + 2000);
    expect(usage.keys.find((key) => key.keyId === 'k-1')?.callsLast24h).toBe(1005);
    expect(usage.recent[0]).toMatchObject({ at: second + 1000, calls: 2 });
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
    expect(stored).toEqual(all.slice(2500 - stored.length).map((one) => ({ ...one, calls: 1 })));
  });
});
