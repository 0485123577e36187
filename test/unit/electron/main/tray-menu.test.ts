import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import {
  trayClickOpensWindow,
  trayIconChoice,
  trayMenuTemplate,
  trayTooltip,
} from '../../../../electron/main/tray-menu.ts';

const assets = join(import.meta.dirname, '..', '..', '..', '..', 'electron', 'main', 'assets', 'tray');

function click(item: MenuItemConstructorOptions | undefined): void {
  (item?.click as (() => void) | undefined)?.();
}

function actions() {
  return { open: vi.fn(), lock: vi.fn(), quit: vi.fn() };
}

describe('trayMenuTemplate', () => {
  it('offers Open Keyward, Lock now and Quit, with the state on top', () => {
    const menu = trayMenuTemplate({ unlocked: true }, actions());
    expect(menu.map((item) => item.label ?? item.type)).toEqual([
      'Vault unlocked',
      'separator',
      'Open Keyward',
      'Lock now',
      'separator',
      'Quit Keyward',
    ]);
    expect(menu[0]?.enabled).toBe(false);
  });

  it('disables Lock now while locked', () => {
    const locked = trayMenuTemplate({ unlocked: false }, actions());
    expect(locked.find((item) => item.label === 'Lock now')?.enabled).toBe(false);
    expect(locked[0]?.label).toBe('Vault locked');
    expect(
      trayMenuTemplate({ unlocked: true }, actions()).find((item) => item.label === 'Lock now')?.enabled,
    ).toBe(true);
  });

  it('wires each item to its action', () => {
    const act = actions();
    const menu = trayMenuTemplate({ unlocked: true }, act);
    click(menu.find((item) => item.label === 'Open Keyward'));
    click(menu.find((item) => item.label === 'Lock now'));
    click(menu.find((item) => item.label === 'Quit Keyward'));
    expect(act.open).toHaveBeenCalledOnce();
    expect(act.lock).toHaveBeenCalledOnce();
    expect(act.quit).toHaveBeenCalledOnce();
  });
});

describe('trayTooltip', () => {
  it('says whether the vault is locked', () => {
    expect(trayTooltip({ unlocked: false })).toBe('Keyward — vault locked');
    expect(trayTooltip({ unlocked: true })).toBe('Keyward — vault unlocked');
  });
});

describe('trayIconChoice', () => {
  it('macOS: a template image with its 2× representation', () => {
    expect(trayIconChoice('darwin')).toEqual({
      base: 'trayTemplate',
      hiDpi: 'trayTemplate@2x',
      template: true,
    });
  });

  it('Windows: the colour mark at 16 px with 32 px for high DPI; Linux: 32 px', () => {
    expect(trayIconChoice('win32')).toEqual({ base: 'tray', hiDpi: 'tray@2x', template: false });
    expect(trayIconChoice('linux')).toEqual({ base: 'tray@2x', hiDpi: null, template: false });
  });

  it.each([
    ['tray', 16],
    ['tray@2x', 32],
    ['trayTemplate', 16],
    ['trayTemplate@2x', 32],
  ])('%s.png is a committed %i×%i RGBA PNG', (name, size) => {
    const png = readFileSync(join(assets, `${name}.png`));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(size);
    expect(png.readUInt32BE(20)).toBe(size);
    expect(png[25]).toBe(6); // colour type RGBA: the template needs its alpha channel
  });
});

describe('trayClickOpensWindow', () => {
  it('opens the window on Windows and Linux; macOS shows the menu', () => {
    expect(trayClickOpensWindow('win32')).toBe(true);
    expect(trayClickOpensWindow('linux')).toBe(true);
    expect(trayClickOpensWindow('darwin')).toBe(false);
  });
});
