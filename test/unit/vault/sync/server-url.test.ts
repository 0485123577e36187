import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseServerUrl } from '../../../../electron/vault/sync/server-http.ts';
import { KeywardError } from '../../../../shared/errors.ts';

function refusal(url: string): string {
  try {
    parseServerUrl(url);
  } catch (error) {
    return error instanceof KeywardError ? error.code : String(error);
  }
  return 'accepted';
}

describe('server URLs', () => {
  it('plain http only to this machine', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '[::1]', 'app.localhost']) {
      expect(refusal(`http://${host}:8787`), host).toBe('accepted');
    }
    for (const host of [
      '10.0.0.1',
      '128.0.0.1',
      'example.com',
      '[::2]',
      'localhost.example.com',
      '127.0.0.1.nip.io',
    ]) {
      expect(refusal(`http://${host}:8787`), host).toBe('INVALID_INPUT');
    }
    expect(isLoopbackHost('[::ffff:127.0.0.1]')).toBe(true);
  });

  it('https anywhere; no credentials, query, fragment or other schemes; the base is normalised', () => {
    expect(parseServerUrl('https://keys.example.com/').base).toBe('https://keys.example.com');
    expect(parseServerUrl(' https://keys.example.com:8443/keyward/ ').base).toBe(
      'https://keys.example.com:8443/keyward',
    );
    for (const url of [
      'https://user:pw@keys.example.com',
      'https://keys.example.com/?a=1',
      'https://keys.example.com/#x',
      'ftp://keys.example.com',
      'keys.example.com',
      '',
    ]) {
      expect(refusal(url), url).toBe('INVALID_INPUT');
    }
  });
});
