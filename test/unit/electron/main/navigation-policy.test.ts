import { describe, expect, it } from 'vitest';
import {
  decideNavigation,
  decideWindowOpen,
  EXTERNAL_LINK_HOSTS,
  externalUrlToOpen,
  isSameOrigin,
} from '../../../../electron/main/navigation-policy.ts';

const APP = 'app://keyward';
const HOSTS = ['docs.example.org'];

describe('isSameOrigin', () => {
  it.each([
    'app://keyward/',
    'app://keyward/index.html',
    'app://keyward/assets/index-abc.js?x=1#top',
    'app://KEYWARD/index.html',
  ])('accepts %s on the app origin', (url) => {
    expect(isSameOrigin(url, APP)).toBe(true);
  });

  it.each([
    'app://keyward.evil/index.html',
    'app://evil/index.html',
    'app://keyward@evil/index.html',
    'app://user:pw@keyward/index.html',
    'app://keyward:8080/index.html',
    'https://keyward/index.html',
    'file:///etc/passwd',
    'about:blank',
    'javascript:alert(1)',
    'data:text/html,hi',
    'not a url',
    '',
  ])('refuses %s', (url) => {
    expect(isSameOrigin(url, APP)).toBe(false);
  });

  it('compares the port for the dev server origin', () => {
    expect(isSameOrigin('http://localhost:5173/src/main.tsx', 'http://localhost:5173')).toBe(true);
    expect(isSameOrigin('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isSameOrigin('https://localhost:5173/', 'http://localhost:5173')).toBe(false);
  });

  it('never trusts an unparsable origin', () => {
    expect(isSameOrigin('app://keyward/', 'null')).toBe(false);
  });
});

describe('externalUrlToOpen', () => {
  it('returns the normalized URL for https on an allow-listed host', () => {
    expect(externalUrlToOpen('https://DOCS.example.org/guide?q=1#x', HOSTS)).toBe(
      'https://docs.example.org/guide?q=1#x',
    );
  });

  it.each([
    ['http (not https)', 'http://docs.example.org/'],
    ['a subdomain', 'https://evil.docs.example.org/'],
    ['a look-alike host', 'https://docs.example.org.evil.com/'],
    ['credentials', 'https://user@docs.example.org/'],
    ['a non-default port', 'https://docs.example.org:8443/'],
    ['file:', 'file:///etc/passwd'],
    ['javascript:', 'javascript:alert(1)'],
    ['a custom scheme', 'ms-msdt:/id PCWDiagnostic'],
    ['an unknown host', 'https://example.com/'],
    ['garbage', '::::'],
    ['an absurdly long URL', `https://docs.example.org/${'a'.repeat(5000)}`],
  ])('refuses %s', (_what, url) => {
    expect(externalUrlToOpen(url, HOSTS)).toBeNull();
  });

  it('opens nothing with the shipped allow-list, which is empty', () => {
    expect(EXTERNAL_LINK_HOSTS).toEqual([]);
    expect(externalUrlToOpen('https://github.com/', EXTERNAL_LINK_HOSTS)).toBeNull();
  });
});

describe('decideNavigation', () => {
  it('allows the app origin, sends allow-listed https to the browser, blocks the rest', () => {
    expect(decideNavigation('app://keyward/index.html', APP, HOSTS)).toBe('allow');
    expect(decideNavigation('https://docs.example.org/', APP, HOSTS)).toBe('open-external');
    expect(decideNavigation('https://example.com/', APP, HOSTS)).toBe('block');
    expect(decideNavigation('file:///etc/passwd', APP, HOSTS)).toBe('block');
    expect(decideNavigation('app://other/index.html', APP, HOSTS)).toBe('block');
  });

  it('blocks every external page with the default (empty) allow-list', () => {
    expect(decideNavigation('https://docs.example.org/', APP)).toBe('block');
  });
});

describe('decideWindowOpen', () => {
  it('never opens an app window, not even on the app origin', () => {
    expect(decideWindowOpen('app://keyward/index.html', HOSTS)).toBe('block');
    expect(decideWindowOpen('about:blank', HOSTS)).toBe('block');
  });

  it('sends allow-listed https to the browser', () => {
    expect(decideWindowOpen('https://docs.example.org/a', HOSTS)).toBe('open-external');
    expect(decideWindowOpen('https://docs.example.org/a')).toBe('block');
  });
});
