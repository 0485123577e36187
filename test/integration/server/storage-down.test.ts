import { afterAll, describe, expect, it } from 'vitest';
import { KeywardServer } from '../../../server/keyward-server.ts';
import { batch, freshStorage, integrationFacts, keyFacts } from '../../support/server-fixtures.ts';
import { enrol, newDeviceKey, publish, signIn } from '../../support/server-client.ts';
import { issueEnrolmentCode } from '../../../server/devices/device-auth.ts';

describe('when storage goes away', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup();
    }
  });

  it('verification keeps answering from memory, /readyz says degraded, publish answers 503 with Retry-After', async () => {
    const fresh = await freshStorage('sqlite');
    cleanups.push(fresh.cleanup);
    const integration = integrationFacts();
    const key = keyFacts(integration.integrationId);
    await fresh.storage.applyBatch(
      batch([
        { op: 'putIntegration', integration },
        { op: 'putKey', key: key.facts },
      ]),
      {
        deviceId: null,
        now: Date.now(),
      },
    );
    const server = new KeywardServer({ storage: fresh.storage, port: 0 });
    cleanups.push(() => server.close());
    const base = await server.start();
    await server.ready();
    const { enrolmentCode } = await issueEnrolmentCode(fresh.storage, { role: 'owner', now: Date.now() });
    const device = newDeviceKey();
    await enrol(base, device, enrolmentCode);
    const { token } = await signIn(base, device);

    await fresh.storage.close(); // the database is gone from under the running server
    const verified = await fetch(`${base}/v1/verify`, { headers: { 'x-api-key': key.material } });
    expect(verified.status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'degraded', storage: 'unreachable', keys: 1 });
    const published = await publish(
      base,
      token as string,
      batch([{ op: 'deleteKey', keyId: key.facts.keyId }]),
    );
    expect(published.status).toBe(503);
    expect(published.headers.get('retry-after')).toBe('5');
    expect(published.headers.get('x-keyward-code')).toBe('STORAGE_UNAVAILABLE');
    // The request log keeps what it could not write (bounded) instead of failing verification.
    await server.context.requestLog.flush();
    expect(server.context.requestLog.failing).toBe(true);
    expect((await fetch(`${base}/v1/verify`, { headers: { 'x-api-key': key.material } })).status).toBe(200);
  });
});
