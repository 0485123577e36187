// The end-to-end harness of docs/architecture.md (see test/README.md, "End-to-end tests"): the
// production renderer build in real Chromium, the real preload bridge, main's real dispatch over a
// real engine on a temp vault, and a real X clipboard.
export { checkA11y, formatViolations } from './a11y.ts';
export type { A11yContext, A11yOptions, A11yViolation } from './a11y.ts';
export { E2E_KDF, E2E_PASSWORD } from './app-session.ts';
export type { E2eApp, IpcRecord, OpenAppOptions } from './app-session.ts';
export { CHROMIUM_ARGS, startE2eEnvironment } from './environment.ts';
export type { E2eEnvironment, E2eEnvironmentOptions } from './environment.ts';
export type { PageCspViolation, PageDocument, PageElement, PageGlobals } from './page-globals.ts';
export { REPO_ROOT } from './preload-script.ts';
export { saveScreenshot, screenshotsEnabled, SCREENSHOT_DIR } from './screenshots.ts';
export type { ScreenshotOptions } from './screenshots.ts';
export { currentColorScheme, inEachColorScheme } from './color-scheme.ts';
export type { ColorScheme } from './color-scheme.ts';
export { setupE2e } from './setup-e2e.ts';
export type { E2eSuite } from './setup-e2e.ts';
export { bridgeCall, okValue, rawBridgeCall } from './bridge-calls.ts';
export { openScreen } from './navigation.ts';
