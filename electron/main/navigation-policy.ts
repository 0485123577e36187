// Pure: no `electron` import, so it is unit-tested under Node. security.ts applies these decisions.

/**
 * Hosts whose https pages may be opened in the user's browser (exact host match, no subdomains).
 * Empty until the UI links out somewhere; add the docs site here when it does.
 */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [];

/** What to do with a navigation of the app's window. */
export type NavigationDecision = 'allow' | 'open-external' | 'block';
/** What to do with a request for a new window: never allowed in the app itself. */
export type WindowOpenDecision = 'open-external' | 'block';

const MAX_EXTERNAL_URL_LENGTH = 2048;

function parse(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    // Not a URL: the callers treat null as "block" — a parse answer, not a fault.
    return null;
  }
}

/**
 * Whether `raw` is on exactly `origin` (scheme, host and port; no credentials in the URL).
 * Compares the parts rather than `URL.origin`, which is "null" for custom schemes under Node.
 */
export function isSameOrigin(raw: string, origin: string): boolean {
  const url = parse(raw);
  const trusted = parse(origin);
  if (url === null || trusted === null) {
    return false;
  }
  return (
    url.protocol === trusted.protocol &&
    url.hostname.toLowerCase() === trusted.hostname.toLowerCase() &&
    url.port === trusted.port &&
    url.username === '' &&
    url.password === ''
  );
}

/**
 * The normalized URL to hand to `shell.openExternal`, or null when it must not be opened: only
 * `https:` on an allow-listed host, default port, no credentials, of sane length.
 */
export function externalUrlToOpen(raw: string, allowedHosts: readonly string[]): string | null {
  if (raw.length > MAX_EXTERNAL_URL_LENGTH) {
    return null;
  }
  const url = parse(raw);
  if (
    url === null ||
    url.protocol !== 'https:' ||
    url.username !== '' ||
    url.password !== '' ||
    url.port !== ''
  ) {
    return null;
  }
  const host = url.hostname.toLowerCase();
  return allowedHosts.some((allowed) => allowed.toLowerCase() === host) ? url.href : null;
}

/** A window navigating to `raw`: stay only on the trusted origin; allow-listed https goes to the browser. */
export function decideNavigation(
  raw: string,
  trustedOrigin: string,
  allowedHosts: readonly string[] = EXTERNAL_LINK_HOSTS,
): NavigationDecision {
  if (isSameOrigin(raw, trustedOrigin)) {
    return 'allow';
  }
  return externalUrlToOpen(raw, allowedHosts) === null ? 'block' : 'open-external';
}

/** `window.open` / `target=_blank` to `raw`: no new app windows ever; allow-listed https goes to the browser. */
export function decideWindowOpen(
  raw: string,
  allowedHosts: readonly string[] = EXTERNAL_LINK_HOSTS,
): WindowOpenDecision {
  return externalUrlToOpen(raw, allowedHosts) === null ? 'block' : 'open-external';
}
