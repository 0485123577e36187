import { protocol } from 'electron';
import { APP_SCHEME, APP_SCHEME_REGISTRATION } from './app-origin.ts';
import { createAppRequestHandler } from './app-request-handler.ts';

/** Registers `app:` as a privileged (standard, secure) scheme. Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_REGISTRATION]);
}

/**
 * Serves the renderer build at `app://keyward/` on the default session, with the CSP and the other
 * security headers on every response. Call once the app is ready.
 */
export function serveRendererOverAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler({ rendererDir }));
}
