import { describe, expect, it } from 'vitest';
import {
  buildCsp,
  RENDERER_CSP,
  RENDERER_CSP_DIRECTIVES,
  securityHeaders,
} from '../../../../electron/main/csp.ts';

function parseCsp(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('the renderer CSP', () => {
  it('is exactly the policy the spec asks for', () => {
    expect(RENDERER_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
    );
  });

  it('allows no inline code, no eval and no remote source anywhere', () => {
    for (const [name, sources] of parseCsp(RENDERER_CSP)) {
      for (const source of sources) {
        expect(source, `${name} ${source}`).not.toMatch(/unsafe|\*|https?:|blob:|ws:|wss:/);
      }
    }
  });

  it('falls back to nothing and names every directive only once', () => {
    const parsed = parseCsp(RENDERER_CSP);
    expect(parsed.get('default-src')).toEqual(["'none'"]);
    expect(parsed.size).toBe(Object.keys(RENDERER_CSP_DIRECTIVES).length);
  });

  it('serializes any directive map', () => {
    expect(buildCsp({ 'default-src': ["'self'"], 'img-src': ["'self'", 'data:'] })).toBe(
      "default-src 'self'; img-src 'self' data:",
    );
  });
});

describe('securityHeaders', () => {
  it('carries the CSP and the hardening headers', () => {
    const headers = securityHeaders();
    expect(headers['Content-Security-Policy']).toBe(RENDERER_CSP);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    expect(headers['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(headers['Cross-Origin-Resource-Policy']).toBe('same-origin');
    expect(headers['Permissions-Policy']).toContain('camera=()');
  });

  it('returns a fresh object each time, so a caller cannot alter the next response', () => {
    const first = securityHeaders();
    first['Content-Security-Policy'] = 'default-src *';
    expect(securityHeaders()['Content-Security-Policy']).toBe(RENDERER_CSP);
  });
});
