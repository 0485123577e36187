import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { AppMenuOptions } from '../../../../electron/main/menu-template.ts';
import { appMenuTemplate, LOCK_ACCELERATOR } from '../../../../electron/main/menu-template.ts';

function build(overrides: Partial<AppMenuOptions> = {}) {
  const onLock = vi.fn();
  const menu = appMenuTemplate({
    platform: 'linux',
    isDev: false,
    appName: 'Keyward',
    unlocked: true,
    onLock,
    ...overrides,
  });
  return { menu, onLock };
}

function submenu(menu: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  const top = menu.find((item) => item.label === label);
  return Array.isArray(top?.submenu) ? top.submenu : [];
}

const roles = (items: MenuItemConstructorOptions[]): string[] =>
  items.map((item) => item.role ?? item.type ?? item.label ?? '?');

describe('appMenuTemplate', () => {
  it('Vault ▸ Lock Vault, CmdOrCtrl+L, locks the vault', () => {
    const { menu, onLock } = build();
    const lock = submenu(menu, 'Vault').find((item) => item.label === 'Lock Vault');
    expect(lock?.accelerator).toBe(LOCK_ACCELERATOR);
    expect(LOCK_ACCELERATOR).toBe('CmdOrCtrl+L');
    (lock?.click as () => void)();
    expect(onLock).toHaveBeenCalledOnce();
  });

  it('Lock Vault is disabled while locked', () => {
    const lock = submenu(build({ unlocked: false }).menu, 'Vault').find(
      (item) => item.label === 'Lock Vault',
    );
    expect(lock?.enabled).toBe(false);
  });

  it('Edit has the standard roles, so text fields get their shortcuts', () => {
    expect(roles(submenu(build().menu, 'Edit'))).toEqual([
      'undo',
      'redo',
      'separator',
      'cut',
      'copy',
      'paste',
      'separator',
      'selectAll',
    ]);
  });

  it('View: zoom and full screen always; reload and DevTools only in development', () => {
    expect(roles(submenu(build().menu, 'View'))).toEqual([
      'resetZoom',
      'zoomIn',
      'zoomOut',
      'separator',
      'togglefullscreen',
    ]);
    expect(roles(submenu(build({ isDev: true }).menu, 'View')).slice(0, 4)).toEqual([
      'reload',
      'forceReload',
      'toggleDevTools',
      'separator',
    ]);
  });

  it('macOS: the app menu first, the Mac window menu, Quit in the app menu, no Help ▸ About', () => {
    const { menu } = build({ platform: 'darwin' });
    expect(menu[0]?.label).toBe('Keyward');
    expect(roles(Array.isArray(menu[0]?.submenu) ? menu[0].submenu : [])).toEqual([
      'about',
      'separator',
      'services',
      'separator',
      'hide',
      'hideOthers',
      'unhide',
      'separator',
      'quit',
    ]);
    const window = menu.find((item) => item.role === 'windowMenu');
    expect(roles(Array.isArray(window?.submenu) ? window.submenu : [])).toEqual([
      'minimize',
      'zoom',
      'separator',
      'front',
    ]);
    expect(roles(submenu(menu, 'Vault'))).toEqual(['Lock Vault']);
    expect(menu.some((item) => item.role === 'help')).toBe(false);
  });

  it('Windows and Linux: no app menu; Quit under Vault; Help ▸ About', () => {
    for (const platform of ['win32', 'linux']) {
      const { menu } = build({ platform });
      expect(menu.map((item) => item.label ?? item.role)).toEqual([
        'Vault',
        'Edit',
        'View',
        'windowMenu',
        'help',
      ]);
      expect(roles(submenu(menu, 'Vault'))).toEqual(['Lock Vault', 'separator', 'quit']);
      const help = menu.find((item) => item.role === 'help');
      expect(roles(Array.isArray(help?.submenu) ? help.submenu : [])).toEqual(['about']);
    }
  });
});
