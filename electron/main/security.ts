import { shell, type App, type Session, type WebContents } from 'electron';
import {
  decideNavigation,
  decideWindowOpen,
  externalUrlToOpen,
  EXTERNAL_LINK_HOSTS,
  isSameOrigin,
} from './navigation-policy.ts';

function openInBrowser(url: string): void {
  // Re-checked here so no caller can hand openExternal anything off the allow-list.
  const safe = externalUrlToOpen(url, EXTERNAL_LINK_HOSTS);
  if (safe !== null) {
    shell.openExternal(safe).catch(() => {
      // Nothing to recover: the link simply does not open.
    });
  }
}

/**
 * Guards one webContents: it may only navigate within `trustedOrigin` (any frame, redirects too),
 * never opens a window (allow-listed https links go to the user's browser instead), never attaches
 * a `<webview>`, never downloads.
 */
export function guardWebContents(contents: WebContents, trustedOrigin: string): void {
  contents.on('will-frame-navigate', (event) => {
    const decision = decideNavigation(event.url, trustedOrigin);
    if (decision === 'allow') {
      return;
    }
    event.preventDefault();
    if (decision === 'open-external' && event.isMainFrame) {
      openInBrowser(event.url);
    }
  });
  // will-frame-navigate already covers the main frame; these two are belt and braces (and redirects).
  const blockOffOrigin = (event: { url: string; preventDefault: () => void }): void => {
    if (!isSameOrigin(event.url, trustedOrigin)) {
      event.preventDefault();
    }
  };
  contents.on('will-navigate', blockOffOrigin);
  contents.on('will-redirect', blockOffOrigin);

  contents.setWindowOpenHandler(({ url }) => {
    if (decideWindowOpen(url) === 'open-external') {
      openInBrowser(url);
    }
    return { action: 'deny' };
  });

  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

/** Installs `guardWebContents` on every webContents the app ever creates. Call before any window exists. */
export function guardAllWebContents(app: App, trustedOrigin: string): void {
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, trustedOrigin);
  });
}

/**
 * Denies everything a page can ask a session for: permissions (camera, notifications, clipboard
 * read, …) on request and on check, device access (HID, serial, USB), and downloads. Notifications
 * and the clipboard are done by the main process, not by web APIs.
 */
export function lockDownSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => {
    event.preventDefault();
  });
}
