/**
 * The rule for a Keyward server's address (docs/domain-rules.md; issue 11, "Settings → Server"):
 * `https://` anywhere, plain `http://` only on a loopback host (`localhost`, `127.0.0.0/8`,
 * `::1`), no user name or password in it, no query or fragment. Pure, so the desktop can check as
 * you type with the same words the engine refuses with.
 */

/** What {@link checkServerUrl} answers: the normalised base URL (no trailing slash), or why not. */
export type ServerUrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** The longest address accepted (as the sync status stores it). */
export const SERVER_URL_MAX = 2048;

/** Whether `hostname` (as `URL` gives it: IPv6 in brackets) is a loopback host. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return true;
  }
  if (host === '[::1]') {
    return true;
  }
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return v4 !== null && v4[1] === '127' && v4.slice(1).every((part) => Number(part) <= 255);
}

/** Checks a server address as typed: see the module comment. */
export function checkServerUrl(text: string): ServerUrlCheck {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { ok: false, message: 'Enter the server address, e.g. https://keys.example.com' };
  }
  if (trimmed.length > SERVER_URL_MAX) {
    return { ok: false, message: `The address is too long (at most ${SERVER_URL_MAX} characters).` };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, message: 'Not an address: start with https://, e.g. https://keys.example.com' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: 'The address must start with https:// (or http:// on this computer).' };
  }
  if (url.hostname === '') {
    return { ok: false, message: 'The address has no host name.' };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: 'The address must not contain a user name or password.' };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, message: 'The address must not contain a query (?…) or fragment (#…).' };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      message:
        'Plain http:// is allowed only on this computer (localhost, 127.0.0.1, ::1); use https:// for another host.',
    };
  }
  const base = `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, '');
  return { ok: true, url: base };
}
