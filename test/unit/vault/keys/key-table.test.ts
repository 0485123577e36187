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
    const { services } = await setup();
    const actor = { actor: 'o' };
    services.integrations.createIntegration({ name: 'Short', platform: 'web', rotationDays: 10 }, actor);
    services.integrations.createIntegration({ name: 'Long', platform: 'web', rotationDays: 300 }, actor);
    services.integrations.createIntegration(
      { name: 'Forever', platform: 'web', neverExpire: true },
      {
        ...actor,
        confirmNeverExpire: true,
      },
    );
    const names = (direction: 'asc' | 'desc') =>
      services.lifecycle
        .keyTable({ term: '', sort: 'expiresAt', direction, ...page })
        .rows.map((row) => row.integrationName);
    expect(names('asc')).toEqual(['Short', 'Long', 'Forever']);
    expect(names('desc')).toEqual(['Long', 'Short', 'Forever']);
  });

  it('shows a change at once: a rotation adds the grace row and the new key', async () => {
    const { services } = await setup();
    const { integration } = services.integrations.createIntegration(
      { name: 'Mail', platform: 'web' },
      { actor: 'o' },
    );
    const statuses = () =>
      services.lifecycle
        .keyTable({ term: 'mail', sort: 'status', direction: 'asc', ...page })
        .rows.map((row) => row.key.status);
    expect(statuses()).toEqual(['active']);
    services.lifecycle.rotate(integration.id, { actor: 'o' });
    expect(statuses()).toEqual(['active', 'grace']);
  });

  it('pages never overlap or skip a row', async () => {
    const { services } = await setup();
    for (let i = 0; i < 25; i++) {
      services.integrations.createIntegration(
        { name: `svc-${String(i).padStart(2, '0')}`, platform: 'server' },
        { actor: 'o' },
      );
    }
    const seen: string[] = [];
    for (let offset = 0; offset < 25; offset += 7) {
      const result = services.lifecycle.keyTable({
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
