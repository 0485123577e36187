import { BrowserWindow, nativeTheme } from 'electron';
import type { NativeImage } from 'electron';
import type { Logger } from '../../shared/log/logger.ts';
import type { RendererEntry } from './app-origin.ts';
import { secureWebPreferences } from './web-preferences.ts';

/** What the main window needs to know. */
export interface MainWindowOptions {
  /** Where to load the renderer from. */
  entry: RendererEntry;
  /** Absolute path of the built preload (`out/preload/index.cjs`). */
  preloadPath: string;
  /** DevTools are available only in unpackaged (development) runs. */
  devTools: boolean;
  /** The window's icon where the OS takes it from the window (Linux); packaged builds also get it from the desktop entry. */
  icon?: NativeImage;
  /** Records a failed load (the window is shown empty then). */
  logger?: Logger;
}

/**
 * Creates the main window with the secure webPreferences and loads the renderer. It stays hidden until
 * the first paint so it never flashes white in dark mode. Navigation, new windows, webviews and
 * permissions are guarded app-wide by security.ts, not here.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'Keyward',
    width: 1120,
    height: 740,
    minWidth: 720,
    minHeight: 480,
    show: false,
    autoHideMenuBar: true,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#15181d' : '#f6f7f9',
    ...(options.icon === undefined ? {} : { icon: options.icon }),
    webPreferences: secureWebPreferences({ preloadPath: options.preloadPath, devTools: options.devTools }),
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  window.loadURL(options.entry.url).catch((error: unknown) => {
    // A failed load leaves the window empty; show it anyway rather than leaving an invisible process.
    options.logger?.error('the window could not load the app', { error });
    window.show();
  });
  return window;
}
