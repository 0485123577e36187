// Pure: no `electron` import. The same headers are sent by the app's protocol handler and (later) by
// the browser test harness that serves the production renderer build, so the CSP is tested too.

/** One CSP directive name → its sources. */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

/**
 * The renderer's policy: only its own files, no inline code, no eval, no plugins, no framing,
 * no forms, no `<base>`. `connect-src 'self'` is the app origin only — the renderer never talks to
 * the network; the main process does.
 */
export const RENDERER_CSP_DIRECTIVES: CspDirectives = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
};

/** Serializes directives as a `Content-Security-Policy` header value. */
export function buildCsp(directives: CspDirectives = RENDERER_CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/** The renderer's `Content-Security-Policy` header value. */
export const RENDERER_CSP = buildCsp();

/**
 * Headers sent with every response of the app protocol, errors included: the CSP plus the usual
 * hardening (no MIME sniffing, no referrer, isolated browsing context, no powerful features).
 */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': RENDERER_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy':
      'camera=(), microphone=(), geolocation=(), display-capture=(), usb=(), serial=(), hid=(), payment=()',
  };
}
