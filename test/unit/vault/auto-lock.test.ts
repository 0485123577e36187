import { afterEach, describe, expect, it } from 'vitest';
import { AutoLock } from '../../../electron/vault/auto-lock.ts';
import { makeTestVault } from '../../support/temp-vault.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

async function unlockedVault() {
  const made = makeTestVault();
  cleanups.push(() => {
    made.vault.lock();
    made.cleanup();
  });
  await made.vault.create('auto lock password');
  return made;
}

describe('auto-lock', () => {
  it('locks after the idle minutes pass without activity', async () => {
    const { vault, clock } = await unlockedVault();
    const autoLock = new AutoLock(vault, clock, 5);
    autoLock.touch();
    clock.advance(4 * 60_000 + 59_000);
    expect(vault.isUnlocked).toBe(true);
    clock.advance(1000);
    expect(vault.isUnlocked).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('activity postpones the lock', async () => {
    const { vault, clock } = await unlockedVault();
    const autoLock = new AutoLock(vault, clock, 5);
    autoLock.touch();
    clock.advance(4 * 60_000);
    autoLock.touch();
    clock.advance(4 * 60_000);
    expect(vault.isUnlocked).toBe(true);
    expect(autoLock.remainingMs()).toBe(60_000);
    clock.advance(60_000);
    expect(vault.isUnlocked).toBe(false);
  });

  it('keeps one timer however often it is touched, and none while locked or when off', async () => {
    const { vault, clock } = await unlockedVault();
    const autoLock = new AutoLock(vault, clock, 5);
    for (let i = 0; i < 100; i++) {
      autoLock.touch();
    }
    expect(clock.pendingTimers).toBe(1);
    autoLock.setIdleMinutes(0);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(24 * 60 * 60_000);
    expect(vault.isUnlocked).toBe(true);
    autoLock.setIdleMinutes(1);
    vault.lock();
    expect(clock.pendingTimers).toBe(0);
    autoLock.dispose();
  });
});
