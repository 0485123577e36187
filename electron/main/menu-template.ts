// Pure: no runtime `electron` import (types only). The application menu; app-menu.ts installs it.
import type { MenuItemConstructorOptions } from 'electron';

/** What the menu depends on. */
export interface AppMenuOptions {
  /** `process.platform`: macOS gets the app menu and its Window menu conventions. */
  platform: string;
  /** Unpackaged run: adds Reload, Force Reload and Toggle Developer Tools. */
  isDev: boolean;
  /** Shown as the macOS app menu's title. */
  appName: string;
  /** Lock Vault is enabled only while the vault is unlocked. */
  unlocked: boolean;
  /** Locks the vault now. */
  onLock: () => void;
}

/** The accelerator of Vault ▸ Lock Vault. */
export const LOCK_ACCELERATOR = 'CmdOrCtrl+L';

/**
 * The application menu: (macOS) the app menu; Vault with Lock Vault (CmdOrCtrl+L); Edit with the
 * standard roles, so text fields get undo/redo/cut/copy/paste/select-all shortcuts on every OS;
 * View with zoom (always: it is an accessibility aid) and full screen, plus reload and DevTools in
 * development only; Window; and (Windows, Linux) Help ▸ About. Roles give each item the OS's own
 * label, shortcut and behaviour.
 */
export function appMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const menus: MenuItemConstructorOptions[] = [];
  if (mac) {
    menus.push({
      label: options.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  menus.push({
    label: 'Vault',
    submenu: [
      {
        label: 'Lock Vault',
        accelerator: LOCK_ACCELERATOR,
        enabled: options.unlocked,
        click: () => options.onLock(),
      },
      ...(mac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
    ],
  });
  menus.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  });
  menus.push({
    label: 'View',
    submenu: [
      ...(options.isDev
        ? [
            { role: 'reload' as const },
            { role: 'forceReload' as const },
            { role: 'toggleDevTools' as const },
            { type: 'separator' as const },
          ]
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  menus.push({
    role: 'windowMenu',
    submenu: mac
      ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  });
  if (!mac) {
    menus.push({ role: 'help', submenu: [{ role: 'about' }] });
  }
  return menus;
}
