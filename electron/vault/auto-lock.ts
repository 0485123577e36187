import type { Clock, TimerHandle } from './clock.ts';
import type { Vault } from './vault.ts';

/** Default idle time before the vault locks itself (docs/domain-rules.md: 5 minutes). */
export const DEFAULT_AUTO_LOCK_MINUTES = 5;

/**
 * Locks the vault after a period without activity. The shell calls `touch()` on user activity;
 * one timer, re-armed on activity, disarmed while locked. `idleMinutes = 0` turns it off.
 */
export class AutoLock {
  private timer: TimerHandle | null = null;
  private idleMs: number;
  private lastActivityAt: number;
  private readonly unsubscribe: () => void;

  private readonly vault: Vault;
  private readonly clock: Clock;

  constructor(vault: Vault, clock: Clock, idleMinutes = DEFAULT_AUTO_LOCK_MINUTES) {
    this.vault = vault;
    this.clock = clock;
    this.idleMs = idleMinutes * 60_000;
    this.lastActivityAt = clock.now();
    this.unsubscribe = vault.onLock(() => this.disarm());
  }

  /** Records activity and re-arms the timer (no-op while locked). */
  touch(): void {
    this.lastActivityAt = this.clock.now();
    this.arm();
  }

  /** Changes the idle period; takes effect from the last activity. */
  setIdleMinutes(minutes: number): void {
    this.idleMs = Math.max(0, minutes) * 60_000;
    this.arm();
  }

  /** Milliseconds until the vault locks, or null when it will not. */
  remainingMs(): number | null {
    if (this.timer === null) {
      return null;
    }
    return Math.max(0, this.lastActivityAt + this.idleMs - this.clock.now());
  }

  /** Stops watching the vault. */
  dispose(): void {
    this.disarm();
    this.unsubscribe();
  }

  private arm(): void {
    this.disarm();
    if (!this.vault.isUnlocked || this.idleMs === 0) {
      return;
    }
    const dueAt = this.lastActivityAt + this.idleMs;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (this.clock.now() >= this.lastActivityAt + this.idleMs) {
        this.vault.lock('idle');
      } else {
        this.arm();
      }
    }, dueAt - this.clock.now());
  }

  private disarm(): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
