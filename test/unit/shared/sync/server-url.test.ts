// The one server-address rule (shared/sync/server-url.ts), table-driven, and the three callers that
// use it: the desktop form (a field message), the CLI (USAGE, exit 2, before any prompt) and the
// engine (INVALID_INPUT). The callers are checked thinly: same verdict, their own error type.
import { describe, expect, it } from 'vitest';
import { checkServerUrl as cliCheckServerUrl } from '../../../../electron/cli/server-arguments.ts';
import { parseServerUrl } from '../../../../electron/vault/sync/server-http.ts';
import { validateServerForm } from '../../../../renderer/src/screens/settings/server-form.ts';
import { KeywardError } from '../../../../shared/errors.ts';
import { checkServerUrl, isLoopbackHost } from '../../../../shared/sync/server-url.ts';
import type { ServerUrlProblem } from '../../../../shared/sync/server-url.ts';

/** Accepted addresses and the base URL they normalise to. */
const ACCEPTED: readonly (readonly [string, string])[] = [
  ['https://keys.example.com', 'https://keys.example.com'],
  [' https://keys.example.com/ ', 'https://keys.example.com'],
  ['https://keys.example.com:8443/keyward/', 'https://keys.example.com:8443/keyward'],
  ['HTTPS://Keys.Example.COM//', 'https://keys.example.com'],
  ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
  ['http://127.8.9.10', 'http://127.8.9.10'],
  ['http://localhost:8787', 'http://localhost:8787'],
  ['http://LOCALHOST:8787', 'http://localhost:8787'],
  ['http://app.localhost', 'http://app.localhost'],
  ['http://[::1]:8787/', 'http://[::1]:8787'],
  ['http://[0:0:0:0:0:0:0:1]:8787', 'http://[::1]:8787'],
  ['http://[::ffff:127.0.0.1]:8787', 'http://[::ffff:7f00:1]:8787'],
  ['http://0x7f.1:8787', 'http://127.0.0.1:8787'],
];

/** Refused addresses, why, and words the message must hold. */
const REFUSED: readonly (readonly [string, ServerUrlProblem, RegExp])[] = [
  ['', 'empty', /Enter the server address/],
  ['   ', 'empty', /Enter the server address/],
  [`https://k.example/${'a'.repeat(2048)}`, 'too-long', /too long \(at most 2048/],
  ['keys.example.com', 'not-a-url', /is not a URL/],
  ['ftp://keys.example.com', 'scheme', /ftp: is not supported/],
  ['file:///etc/passwd', 'scheme', /file: is not supported/],
  ['https://user:pw@keys.example.com', 'credentials', /user name and password/],
  ['https://user@keys.example.com', 'credentials', /user name and password/],
  ['https://keys.example.com/?x=1', 'query', /no query/],
  ['https://keys.example.com/#x', 'query', /no query/],
  ['http://keys.example.com', 'plain-http', /Plain http:\/\/ is allowed only on this computer/],
  ['http://192.168.1.10:8787', 'plain-http', /only on this computer.*192\.168\.1\.10/],
  ['http://10.0.0.1:8787', 'plain-http', /only on this computer/],
  ['http://128.0.0.1', 'plain-http', /only on this computer/],
  ['http://[::2]:8787', 'plain-http', /only on this computer/],
  ['http://[::ffff:10.0.0.1]', 'plain-http', /only on this computer/],
  ['http://localhost.example.com', 'plain-http', /only on this computer/],
  ['http://127.0.0.1.nip.io', 'plain-http', /only on this computer/],
  ['http://127.0.0.1.example.com', 'plain-http', /only on this computer/],
];

describe('the server address rule', () => {
  it.each(ACCEPTED)('accepts %j as %s', (text, base) => {
    expect(checkServerUrl(text)).toEqual({ ok: true, url: base });
  });

  it.each(REFUSED)('refuses %j (%s)', (text, problem, words) => {
    const check = checkServerUrl(text);
    expect(check).toMatchObject({ ok: false, problem });
    expect(check.ok ? '' : check.message).toMatch(words);
  });

  it('knows loopback hosts, bracketed or bare', () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '127.255.0.9', '[::1]', '::1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['[::ffff:127.0.0.1]', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['', '10.0.0.1', '128.0.0.1', '[::2]', 'example.com', 'localhost.example.com']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
    expect(isLoopbackHost('a b')).toBe(false);
  });
});

describe('its callers', () => {
  function thrown(action: () => unknown): KeywardError {
    try {
      action();
    } catch (error) {
      expect(error).toBeInstanceOf(KeywardError);
      return error as KeywardError;
    }
    throw new Error('expected a refusal');
  }

  it('the engine: the same base, INVALID_INPUT with the same words', () => {
    for (const [text, base] of ACCEPTED) {
      expect(parseServerUrl(text).base, text).toBe(base);
    }
    for (const [text, , words] of REFUSED) {
      const error = thrown(() => parseServerUrl(text));
      expect(error.code, text).toBe('INVALID_INPUT');
      expect(error.message, text).toMatch(words);
    }
  });

  it('the CLI: the same base, USAGE with the same words (plus the --pin-cert hint for plain http)', () => {
    for (const [text, base] of ACCEPTED) {
      expect(cliCheckServerUrl(text), text).toBe(base);
    }
    for (const [text, problem, words] of REFUSED) {
      const error = thrown(() => cliCheckServerUrl(text));
      expect(error.code, text).toBe('USAGE');
      expect(error.message, text).toMatch(words);
      expect(error.message.includes('--pin-cert'), text).toBe(problem === 'plain-http');
    }
  });

  it('the desktop form: the same base, the rule as the field message', () => {
    const form = (url: string) =>
      validateServerForm({ url, code: 'ABCDE-FGHJK-MNPQR-STVWX', deviceName: '' });
    for (const [text, base] of ACCEPTED) {
      expect(form(text).input?.url, text).toBe(base);
    }
    for (const [text, , words] of REFUSED) {
      const result = form(text);
      expect(result.input, text).toBeNull();
      expect(result.errors.url, text).toMatch(words);
    }
  });
});
