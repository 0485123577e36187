// The only lines between `powerMonitor` and power-policy.ts.
import { powerMonitor } from 'electron';
import type { PowerEvent } from './power-policy.ts';

/** Calls `handle` for every power event Keyward reacts to. Call once the app is ready. */
export function watchPowerEvents(handle: (event: PowerEvent) => void): void {
  powerMonitor.on('suspend', () => handle('suspend'));
  powerMonitor.on('resume', () => handle('resume'));
  powerMonitor.on('lock-screen', () => handle('lock-screen'));
  powerMonitor.on('unlock-screen', () => handle('unlock-screen'));
}
