// Electron wiring only: the OS save and open dialogs for exports and imports (desktop-core's
// `chooseSaveFile` / `chooseOpenFile`).
import { join } from 'node:path';
import { app, dialog } from 'electron';
import type { BrowserWindow } from 'electron';
import type { ChooseOpenFile, ChooseSaveFile } from './ipc/engine-handlers.ts';

/** Asks where to save, starting in the user's Documents folder; null when cancelled. */
export function createSaveDialog(window: () => BrowserWindow | null): ChooseSaveFile {
  return async ({ title, defaultName, filter }) => {
    const options = {
      title,
      defaultPath: join(app.getPath('documents'), defaultName),
      filters: [filter],
      properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
    };
    const parent = window();
    const result =
      parent === null || parent.isDestroyed()
        ? await dialog.showSaveDialog(options)
        : await dialog.showSaveDialog(parent, options);
    return result.canceled || result.filePath === undefined || result.filePath === ''
      ? null
      : result.filePath;
  };
}

/** Asks which file to open, starting in Documents; null when cancelled. */
export function createOpenDialog(window: () => BrowserWindow | null): ChooseOpenFile {
  return async ({ title, filter }) => {
    const options = {
      title,
      defaultPath: app.getPath('documents'),
      filters: [filter],
      properties: ['openFile' as const],
    };
    const parent = window();
    const result =
      parent === null || parent.isDestroyed()
        ? await dialog.showOpenDialog(options)
        : await dialog.showOpenDialog(parent, options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
}
