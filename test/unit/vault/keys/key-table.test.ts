import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine } from '../../../support/temp-engine.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

async function setup() {
  const made = await createTestEngine({ password: 'key table password' });
  cleanups.push(made.cleanup);
  return made;
}

const page = { offset: 0, limit: 100 } as const;

describe('the key table', () => {
  it('sorts "never" and "not yet" last in both directions', async () => {
    const { engine } = await setup();
    engine.createIntegration({ name: 'Short', platform: 'web', rotationDays: 10 });
    engine.createIntegration({ name: 'Long', platform: 'web', rotationDays: 300 });
    await engine.reauthenticate({ password: 'key table password' });
    engine.createIntegration(
      { name: 'Forever', platform: 'web', neverExpire: true },
      { confirmNeverExpire: true },
    );
    const names = (direction: 'asc' | 'desc') =>
      engine
        .keyTable({ term: '', sort: 'expiresAt', direction, ...page })
        .rows.map((row) => row.integrationName);
    expect(names('asc')).toEqual(['Short', 'Long', 'Forever']);
    expect(names('desc')).toEqual(['Long', 'Short', 'Forever']);
  });

  it('shows a change at once: a rotation adds the grace row and the new key', async () => {
    const { engine } = await setup();
    const { integration } = engine.createIntegration({ name: 'Mail', platform: 'web' });
    const statuses = () =>
      engine
        .keyTable({ term: 'mail', sort: 'status', direction: 'asc', ...page })
        .rows.map((row) => row.key.status);
    expect(statuses()).toEqual(['active']);
    engine.rotate(integration.id);
    expect(statuses()).toEqual(['active', 'grace']);
  });

  it('pages never overlap or skip a row', async () => {
    const { engine } = await setup();
    for (let i = 0; i < 25; i++) {
      engine.createIntegration({ name: `svc-${String(i).padStart(2, '0')}`, platform: 'server' });
    }
    const seen: string[] = [];
    for (let offset = 0; offset < 25; offset += 7) {
      const result = engine.keyTable({
        term: 'svc',
        sort: 'platform',
        direction: 'desc',
        offset,
        limit: 7,
      });
      expect(result.total).toBe(25);
      seen.push(...result.rows.map((row) => row.key.id));
    }
    expect(new Set(seen).size).toBe(25);
  });
});
