import { afterEach, describe, expect, it } from 'vitest';
import { issueEnrolmentCode } from '../../../server/devices/device-auth.ts';
import { KeywardServer } from '../../../server/keyward-server.ts';
import { openStorage } from '../../../server/storage/open-storage.ts';
import { gatewayAvailable, requestFrom, startEchoApi, startNginx } from '../../support/gateways.ts';
import { postgresAvailable } from '../../support/postgres.ts';
import { enrol, newDeviceKey, publish, signIn } from '../../support/server-client.ts';
import { batch, freshStorage, integrationFacts, keyFacts } from '../../support/server-fixtures.ts';

/**
 * The multi-instance set-up of `server/deploy/README.md`: two real Keyward instances on one
 * database (PostgreSQL under scripts/with-postgres.sh, else a shared SQLite file), both in nginx's
 * `upstream keyward_verify`, in front of a real API. The desktop's publish goes to one instance over
 * HTTP (enrolment, challenge, token, publish); a client through nginx, whichever instance answers,
 * sees the revoke within a second, and keeps verifying when one instance goes away.
 */
const kind = postgresAvailable() ? ('postgres' as const) : ('sqlite' as const);

describe.runIf(gatewayAvailable('nginx'))(
  `two Keyward instances on one ${kind} database behind nginx`,
  () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) {
        await cleanup();
      }
    });

    it(
      'balances verifications, carries a revoke published to one within 1 s, survives losing one',
      {
        timeout: 60_000,
      },
      async () => {
        const fresh = await freshStorage(kind);
        cleanups.push(fresh.cleanup);
        const second = await openStorage({ dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl });
        cleanups.push(() => second.close());
        // On PostgreSQL only LISTEN/NOTIFY can be fast enough (the poll is a minute away).
        const pollIntervalMs = kind === 'postgres' ? 60_000 : 250;
        const options = {
          host: '127.0.0.1',
          port: 0,
          pollIntervalMs,
          trustedProxies: ['127.0.0.1/32'],
          // The polls below fail on purpose; the per-IP limit is not under test here.
          failedLimit: { requests: 100_000, windowSeconds: 60 },
        };
        const a = new KeywardServer({ ...options, storage: fresh.storage, instance: 'a' });
        const b = new KeywardServer({ ...options, storage: second, instance: 'b' });
        let aClosed = false;
        cleanups.push(
          () => (aClosed ? Promise.resolve() : a.close()),
          () => b.close(),
        );
        const baseA = await a.start();
        const baseB = await b.start();
        await Promise.all([a.ready(), b.ready()]);
        const api = await startEchoApi();
        cleanups.push(api.close);
        const nginx = await startNginx({
          verifyPort: Number(new URL(baseA).port),
          moreVerifyPorts: [Number(new URL(baseB).port)],
          apiPort: api.port,
        });
        cleanups.push(nginx.close);

        // The desktop enrols with instance A and publishes there.
        const { enrolmentCode } = await issueEnrolmentCode(fresh.storage, { role: 'owner', now: Date.now() });
        const device = newDeviceKey();
        expect((await enrol(baseA, device, enrolmentCode)).status).toBe(201);
        const { token } = await signIn(baseA, device);
        expect(token).not.toBeNull();
        const integration = integrationFacts({ integrationName: 'Orders API' });
        const doomed = keyFacts(integration.integrationId);
        const kept = keyFacts(integration.integrationId);
        const published = await publish(
          baseA,
          token as string,
          batch([
            { op: 'putIntegration', integration },
            { op: 'putKey', key: doomed.facts },
            { op: 'putKey', key: kept.facts },
          ]),
        );
        expect(published.status).toBe(200);

        const through = async (material: string) =>
          (await requestFrom(`${nginx.base}/orders`, { headers: { 'x-api-key': material } })).status;
        // Both instances catch up, then nginx spreads verifications over both.
        const direct = async (base: string) =>
          (await fetch(`${base}/v1/verify`, { headers: { 'x-api-key': kept.material } })).status;
        const started = performance.now();
        while (
          ((await direct(baseA)) !== 200 || (await direct(baseB)) !== 200) &&
          performance.now() - started < 2000
        ) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        for (let i = 0; i < 6; i++) {
          expect(await through(doomed.material), nginx.logs()).toBe(200);
        }
        const answered = async (base: string) => {
          const metrics = await (await fetch(`${base}/metrics`)).text();
          return Number(/keyward_verifications_total\{outcome="OK"\} (\d+)/.exec(metrics)?.[1] ?? 0);
        };
        expect(await answered(baseA)).toBeGreaterThan(0);
        expect(await answered(baseB)).toBeGreaterThan(0);

        // Revoke on A: through nginx, whichever instance answers, 401 soon after.
        const revokedAt = performance.now();
        const revoke = await publish(
          baseA,
          token as string,
          batch([{ op: 'putKey', key: { ...doomed.facts, status: 'revoked', endedAt: Date.now() } }]),
        );
        expect(revoke.status).toBe(200);
        let lag = Number.POSITIVE_INFINITY;
        while (performance.now() - revokedAt < 2000) {
          // Two in a row: one from each instance.
          if ((await through(doomed.material)) === 401 && (await through(doomed.material)) === 401) {
            lag = performance.now() - revokedAt;
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        console.log(
          `revoke through nginx, two instances on ${kind}: 401 from both after ${lag.toFixed(0)} ms`,
        );
        // About 250 ms (SQLite's poll) or less (NOTIFY); 2 s bounds one sample on a loaded test run
        // (the p99 ≤ 1 s target is `npm run bench:revocation-propagation`).
        expect(lag).toBeLessThan(2000);
        for (let i = 0; i < 6; i++) {
          expect(await through(doomed.material)).toBe(401);
        }

        // Instance A goes away: nginx sends every verification to B, valid keys keep verifying.
        await a.close();
        aClosed = true;
        for (let i = 0; i < 6; i++) {
          expect(await through(kept.material), nginx.logs()).toBe(200);
        }
        expect(await through(doomed.material)).toBe(401);
      },
    );
  },
);
