// Pure: no runtime `electron` import (types only). The tray icon's menu, tooltip and image choice;
// tray.ts applies them.
import type { MenuItemConstructorOptions } from 'electron';

/** What the tray shows. */
export interface TrayState {
  unlocked: boolean;
}

/** What the tray's menu items do. */
export interface TrayActions {
  open: () => void;
  lock: () => void;
  quit: () => void;
}

/** The hover text (Windows, macOS; most Linux panels do not show one, hence the status line in the menu). */
export function trayTooltip(state: TrayState): string {
  return state.unlocked ? 'Keyward — vault unlocked' : 'Keyward — vault locked';
}

/** The tray's menu: a status line, Open Keyward, Lock now (only while unlocked), Quit. */
export function trayMenuTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { label: state.unlocked ? 'Vault unlocked' : 'Vault locked', enabled: false },
    { type: 'separator' },
    { label: 'Open Keyward', click: () => actions.open() },
    { label: 'Lock now', enabled: state.unlocked, click: () => actions.lock() },
    { type: 'separator' },
    { label: 'Quit Keyward', click: () => actions.quit() },
  ];
}

/** Which committed image files the tray icon is made from (see resources/README.md). */
export interface TrayIconChoice {
  /** The 1× image: `tray` (colour, 16 px), `tray@2x` (colour, 32 px), `trayTemplate` (mask, 16 px). */
  base: 'tray' | 'tray@2x' | 'trayTemplate';
  /** The 2× representation added to it, if any. */
  hiDpi: 'tray@2x' | 'trayTemplate@2x' | null;
  /** macOS template image: drawn in the menu bar's own colour, light or dark. */
  template: boolean;
}

/**
 * macOS: a black-and-alpha template (16 pt, with 2×). Windows: the colour mark at 16 px with 32 px
 * for high DPI. Linux: the colour mark at 32 px — panels ask for 22–32 px and scale it down.
 */
export function trayIconChoice(platform: string): TrayIconChoice {
  if (platform === 'darwin') {
    return { base: 'trayTemplate', hiDpi: 'trayTemplate@2x', template: true };
  }
  if (platform === 'win32') {
    return { base: 'tray', hiDpi: 'tray@2x', template: false };
  }
  return { base: 'tray@2x', hiDpi: null, template: false };
}

/** Whether a plain click on the tray icon opens the window (macOS opens the menu instead). */
export function trayClickOpensWindow(platform: string): boolean {
  return platform !== 'darwin';
}
