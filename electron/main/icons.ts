// The tray and notification images, from the PNGs committed in ./assets/tray/ (drawn by
// scripts/make-icon.ts). electron-vite emits each `?asset` import into out/main/chunks/, which is
// packaged (only out/** ships; resources/ is electron-vite's publicDir and would be left out).
// Which file on which OS is decided in tray-menu.ts.
import { readFileSync } from 'node:fs';
import { nativeImage } from 'electron';
import type { NativeImage } from 'electron';
import tray1x from './assets/tray/tray.png?asset';
import tray2x from './assets/tray/tray@2x.png?asset';
import template1x from './assets/tray/trayTemplate.png?asset';
import template2x from './assets/tray/trayTemplate@2x.png?asset';
import { trayIconChoice } from './tray-menu.ts';

const FILES = {
  tray: tray1x,
  'tray@2x': tray2x,
  trayTemplate: template1x,
  'trayTemplate@2x': template2x,
} as const;

/**
 * Reads an emitted PNG. Node's `fs` is the documented way to read from inside app.asar (Electron
 * patches it), so images are made from buffers rather than from paths.
 */
function png(name: keyof typeof FILES): Buffer {
  return readFileSync(FILES[name]);
}

/** The tray icon for `platform`: a template image on macOS, the colour mark elsewhere. */
export function trayImage(platform: string = process.platform): NativeImage {
  const choice = trayIconChoice(platform);
  const image = nativeImage.createFromBuffer(png(choice.base), { scaleFactor: 1 });
  if (choice.hiDpi !== null) {
    image.addRepresentation({ scaleFactor: 2, buffer: png(choice.hiDpi) });
  }
  image.setTemplateImage(choice.template);
  return image;
}

/** The colour mark at 32 px: the icon of notifications on Linux, and of the window there. */
export function markImage(): NativeImage {
  return nativeImage.createFromBuffer(png('tray@2x'), { scaleFactor: 1 });
}
