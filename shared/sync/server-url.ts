/**
 * The one rule for a Keyward server's address (docs/domain-rules.md; issue 11, "Settings → Server"):
 * `https://` anywhere, plain `http://` only on a loopback host (`localhost`, `127.0.0.0/8`, `::1`,
 * `::ffff:127.0.0.0/104`), no user name or password in it, no query or fragment. Pure (no `node:*`),
 * so the desktop checks as you type, the CLI before it asks for anything, and the engine before it
 * connects, all with the same words; each caller turns a refusal into its own error (field message,
 * USAGE exit 2, INVALID_INPUT).
 */

/** Why an address is refused, for callers that add their own hint (the message says it in words). */
export type ServerUrlProblem =
  'empty' | 'too-long' | 'not-a-url' | 'scheme' | 'no-host' | 'credentials' | 'query' | 'plain-http';

/** What {@link checkServerUrl} answers: the normalised base URL (no trailing slash), or why not. */
export type ServerUrlCheck =
  { ok: true; url: string } | { ok: false; problem: ServerUrlProblem; message: string };

/** The longest address accepted (as the sync status stores it). */
export const SERVER_URL_MAX = 2048;

/**
 * Whether `hostname` is this computer: `localhost` (and `*.localhost`), 127.0.0.0/8, `::1`, or an
 * IPv4-mapped 127.x address. Takes a host as `URL.hostname` gives it (IPv6 in brackets) or bare;
 * other spellings of the same address (`0x7f.1`, `0:0:0:0:0:0:0:1`) count, as `URL` reads them.
 */
export function isLoopbackHost(hostname: string): boolean {
  const bare = hostname.trim().replace(/^\[|\]$/g, '');
  if (bare === '') {
    return false;
  }
  let host: string;
  try {
    host = new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}/`).hostname.toLowerCase();
  } catch {
    // Not a host name at all.
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return true;
  }
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    return true;
  }
  // URL writes IPv6 compressed and an IPv4-mapped 127.a.b.c as ::ffff:7fXX:XXXX.
  return host === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
}

function refuse(problem: ServerUrlProblem, message: string): ServerUrlCheck {
  return { ok: false, problem, message };
}

/** Checks a server address as typed or given: see the module comment. */
export function checkServerUrl(text: string): ServerUrlCheck {
  const trimmed = text.trim();
  if (trimmed === '') {
    return refuse('empty', 'Enter the server address, e.g. https://keys.example.com.');
  }
  if (trimmed.length > SERVER_URL_MAX) {
    return refuse('too-long', `The address is too long (at most ${SERVER_URL_MAX} characters).`);
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    // The text itself is not repeated: the caller knows what was typed.
    return refuse(
      'not-a-url',
      'That is not a URL: give the server address with https://, e.g. https://keys.example.com.',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return refuse(
      'scheme',
      `${url.protocol.slice(0, 40)} is not supported: the address starts with https:// (or http:// on this computer).`,
    );
  }
  if (url.hostname === '') {
    return refuse('no-host', 'The address has no host name.');
  }
  if (url.username !== '' || url.password !== '') {
    return refuse(
      'credentials',
      'Leave the user name and password out of the address: the enrolment code is what signs in.',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    return refuse('query', 'The address takes no query (?…) or fragment (#…).');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return refuse(
      'plain-http',
      `Plain http:// is allowed only on this computer (localhost, 127.0.0.1, ::1), not to ${url.hostname.slice(0, 253)}: use https://.`,
    );
  }
  return { ok: true, url: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}` };
}
