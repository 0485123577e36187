import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEngine } from '../../../support/temp-engine.ts';
import { readScheduleFile } from '../../../../electron/vault/schedule/schedule-file.ts';
import { KeywardError } from '../../../../shared/errors.ts';

const DAY = 86_400_000;
const PASSWORD = 'schedule file password';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

async function setup() {
  const made = await createTestEngine({ password: PASSWORD, start: Date.UTC(2026, 0, 1, 9) });
  cleanups.push(made.cleanup);
  return { engine: made.engine, clock: made.clock, internals: made.internals };
}

describe('the schedule file (notices while locked)', () => {
  it('lists what is coming up and what is unread, readable without the password, with no key material', async () => {
    const { engine, clock, internals } = await setup();
    const { integration, key } = engine.createIntegration({
      name: 'Payments API',
      platform: 'server',
      rotationDays: 40,
      graceDays: 5,
      notes: 'SECRET-NOTES',
      ipAcl: ['10.1.2.3'],
    });
    const file = readScheduleFile(engine.vault.files.schedule);
    expect(file.upcoming.map((entry) => [entry.kind, entry.dueAt])).toEqual([
      ['expires-soon', (key.expiresAt ?? 0) - 30 * DAY],
      ['expires-soon', (key.expiresAt ?? 0) - 7 * DAY],
      ['expires-soon', (key.expiresAt ?? 0) - 1 * DAY],
    ]);
    expect(file.upcoming[0]?.integrationName).toBe('Payments API');

    clock.advance(11 * DAY); // the 30-day notice fires
    const later = readScheduleFile(engine.vault.files.schedule);
    expect(later.unread.map((entry) => entry.kind)).toEqual(['expires-soon']);
    expect(later.upcoming).toHaveLength(2);

    const bytes = readFileSync(engine.vault.files.schedule, 'utf8');
    expect(bytes).not.toContain(internals().lifecycle.material(key.id));
    expect(bytes).not.toContain('SECRET-NOTES');
    expect(bytes).not.toContain('10.1.2.3');
    expect(bytes).not.toContain(PASSWORD);

    engine.lock();
    expect(readScheduleFile(engine.vault.files.schedule).unread).toHaveLength(1); // readable while locked
    expect(integration.id).toBeTruthy();
  });

  it('an unlock that changes nothing leaves it untouched; a notice read rewrites it', async () => {
    const { engine, clock } = await setup();
    engine.createIntegration({ name: 'Payments API', platform: 'server', rotationDays: 40 });
    clock.advance(11 * DAY); // the 30-day notice fires: unread
    const path = engine.vault.files.schedule;
    const before = { bytes: readFileSync(path, 'utf8'), inode: statSync(path).ino };
    engine.lock();
    clock.advance(60_000);
    await engine.unlockWithPassword(PASSWORD); // the catch-up plans again: same content
    expect(readFileSync(path, 'utf8')).toBe(before.bytes);
    expect(statSync(path).ino).toBe(before.inode); // not even rewritten with the same bytes
    expect(engine.markNoticesRead('all')).toBe(1);
    const after = readScheduleFile(path);
    expect(after.unread).toEqual([]);
    expect(after.generatedAt).toBe(clock.now());
  });

  it('a damaged schedule file is a typed error, and the next plan rewrites it', async () => {
    const { engine } = await setup();
    writeFileSync(engine.vault.files.schedule, 'not json');
    expect(() => readScheduleFile(engine.vault.files.schedule)).toThrow(KeywardError);
    engine.createIntegration({ name: 'x', platform: 'web' });
    expect(readScheduleFile(engine.vault.files.schedule).upcoming).toHaveLength(0); // 365 days away: beyond the horizon
  });
});
