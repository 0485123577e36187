// The engine is the only surface the desktop's IPC handlers and the CLI use (issue 10 §2): they hold
// no service of the engine, so every change goes through an engine method that guards, names the
// actor and logs — and the rules they used to write each on their own side behave the same for both.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScheduleFile } from '../../../electron/vault/schedule/schedule-file.ts';
import { desktopOverDispatch } from './desktop-dispatch.ts';
import type { IpcResult } from '../../../shared/ipc/contract.ts';

const PASSWORD = 'surface test password';
const DAY = 86_400_000;

const newDesktop = desktopOverDispatch(PASSWORD);

/** A desktop whose calls answer the value, or throw with the error's code and message. */
async function desktop() {
  const made = await newDesktop();
  const call = async (channel: string, payload: unknown) => {
    const result: IpcResult<unknown> = await made.call(channel, payload);
    if (!result.ok) {
      throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    }
    return result.value;
  };
  return { ...made, call };
}

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('one engine surface', () => {
  it('notices read in the app are no longer shown as unread while the vault is locked', async () => {
    const { engine, clock, call } = await desktop();
    engine.createIntegration({ name: 'Payments API', platform: 'server', rotationDays: 40 });
    clock.advance(11 * DAY); // the 30-day "expires soon" notice fires
    const schedule = engine.vault.files.schedule;
    expect(readScheduleFile(schedule).unread.map((notice) => notice.kind)).toEqual(['expires-soon']);

    expect(await call('notices.markRead', { all: true })).toEqual({ marked: 1 });
    // What OS notifications read while locked follows at once, as after `keyward notices --mark-read`.
    expect(readScheduleFile(schedule).unread).toEqual([]);
    engine.lock();
    expect(readScheduleFile(schedule).unread).toEqual([]);
  });

  it('the desktop writes every change with the engine’s actor (never one a handler passes)', async () => {
    const { engine, call } = await desktop();
    const { integration } = engine.createIntegration({ name: 'Mail', platform: 'web' });
    await call('keys.rotate', { integrationId: integration.id });
    await call('integrations.setEnabled', { integrationId: integration.id, enabled: false });
    await call('integrations.edit', { integrationId: integration.id, patch: { notes: 'n' } });
    await call('settings.set', { patch: { utc: true } });
    const actors = new Set(engine.activity({ limit: 100 }).map((entry) => entry.actor));
    actors.delete('scheduler'); // the daily backup on unlock
    expect([...actors]).toEqual([engine.actor]);
  });

  it('no IPC handler or CLI command reaches below the engine', () => {
    const root = join(import.meta.dirname, '../../..');
    const offenders = [...sources(join(root, 'electron/main')), ...sources(join(root, 'electron/cli'))]
      .map((file) => ({ file, text: readFileSync(file, 'utf8') }))
      .filter(({ text }) => /\.services\(\)|EngineServices|backupService\(|vault\/keys\//.test(text))
      .map(({ file }) => file.slice(root.length + 1));
    expect(offenders).toEqual([]);
  });
});
