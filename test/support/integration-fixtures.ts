import type { Integration } from '../../shared/domain/integration.ts';

/**
 * A stored integration as the engine answers it ("Payments", a 90-day rotation, 7 days of grace,
 * any address, key or Secret, no rate limit), with overrides: what the renderer's form tests edit.
 */
export function sampleIntegration(overrides: Partial<Integration> = {}): Integration {
  return {
    id: 'int-1',
    name: 'Payments',
    website: null,
    platform: 'server',
    ipAcl: [],
    prefix: 'pay_',
    rotationDays: 90,
    graceDays: 7,
    neverExpire: false,
    enabled: true,
    notes: null,
    accepts: 'key-or-secret',
    rateLimit: null,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}
