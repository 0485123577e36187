// The tray icon: its menu, tooltip and image choice are in tray-menu.ts.
import { Menu, Tray } from 'electron';
import { trayImage } from './icons.ts';
import { trayClickOpensWindow, trayMenuTemplate, trayTooltip } from './tray-menu.ts';
import type { TrayActions, TrayState } from './tray-menu.ts';

/** The tray icon, kept in step with the vault's state. */
export interface KeywardTray {
  /** Shows `state` in the tooltip and the menu (Lock now is enabled only while unlocked). */
  update(state: TrayState): void;
  /** Removes the icon. */
  destroy(): void;
}

/** Creates the tray icon (call once the app is ready), showing the vault as locked until told otherwise. */
export function createKeywardTray(actions: TrayActions, platform: string = process.platform): KeywardTray {
  const tray = new Tray(trayImage(platform));
  if (trayClickOpensWindow(platform)) {
    tray.on('click', () => actions.open());
  }
  const update = (state: TrayState): void => {
    if (tray.isDestroyed()) {
      return;
    }
    tray.setToolTip(trayTooltip(state));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(state, actions)));
  };
  update({ unlocked: false });
  return {
    update,
    destroy: () => {
      if (!tray.isDestroyed()) {
        tray.destroy();
      }
    },
  };
}
