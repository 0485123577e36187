// The only line between `Menu` and menu-template.ts.
import { Menu } from 'electron';
import { appMenuTemplate } from './menu-template.ts';
import type { AppMenuOptions } from './menu-template.ts';

/** Installs (or replaces) the application menu. Call once the app is ready, and again when the vault locks or unlocks. */
export function setAppMenu(options: AppMenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(options)));
}
