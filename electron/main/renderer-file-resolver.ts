// Pure: no `electron` import, so it is unit-tested under Node.
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';

/** The outcome of mapping an app URL to a file of the renderer build. */
export type ResolvedRendererFile =
  | { ok: true; filePath: string; contentType: string }
  | { ok: false; status: 400 | 403 | 404; reason: string };

/** Content types by extension; anything else is served as opaque bytes (with `nosniff`). */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** The content type served for `filePath`, by its extension. */
export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

// A decoded path segment may not be a dot segment or a hidden file, and may not carry a separator,
// a drive or stream colon (Windows), a NUL or any other control character.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_SEGMENT = /[/\\:\u0000-\u001f\u007f]/;

/**
 * Maps `app://keyward/<path>` to a file inside `rendererDir`. `/` is `index.html`; the query and the
 * fragment are ignored. Refused: another scheme or host, credentials or a port in the URL, empty
 * segments (`//`, a trailing `/`), `.`/`..` and hidden segments — also when percent-encoded — encoded
 * separators, backslashes, drive letters, control characters, malformed escapes, and (belt and braces)
 * any result that is not strictly inside `rendererDir`. There is no directory listing and no SPA
 * fallback: an unknown path is a 404.
 */
export function resolveRendererFile(requestUrl: string, rendererDir: string): ResolvedRendererFile {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    // Not swallowed: a 400 with its reason.
    return { ok: false, status: 400, reason: 'malformed URL' };
  }
  if (
    url.protocol !== `${APP_SCHEME}:` ||
    url.hostname.toLowerCase() !== APP_HOST ||
    url.port !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    return { ok: false, status: 403, reason: 'not the app origin' };
  }

  const pathname = url.pathname === '/' || url.pathname === '' ? '/index.html' : url.pathname;
  if (!pathname.startsWith('/') || pathname.includes('\\')) {
    return { ok: false, status: 403, reason: 'forbidden path' };
  }
  const segments: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    if (raw === '') {
      return { ok: false, status: 404, reason: 'empty path segment' };
    }
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      // Not swallowed: a 400 with its reason.
      return { ok: false, status: 400, reason: 'malformed percent-encoding' };
    }
    if (segment.startsWith('.') || FORBIDDEN_IN_SEGMENT.test(segment)) {
      return { ok: false, status: 403, reason: 'forbidden path segment' };
    }
    segments.push(segment);
  }

  const root = resolve(rendererDir);
  const filePath = join(root, ...segments);
  if (!isStrictlyInside(root, filePath)) {
    return { ok: false, status: 403, reason: 'outside the renderer folder' };
  }
  return { ok: true, filePath, contentType: contentTypeFor(filePath) };
}

/** Whether `path` is strictly inside the folder `root` (both absolute, same form: both real or not). */
export function isStrictlyInside(root: string, path: string): boolean {
  const inside = relative(root, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
}
