import { join, relative, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveRendererFile } from '../../../../electron/main/renderer-file-resolver.ts';

const ROOT = resolve('/srv/keyward/out/renderer');

function resolved(url: string): string {
  const result = resolveRendererFile(url, ROOT);
  if (!result.ok) {
    throw new Error(`${url} was refused: ${result.reason}`);
  }
  return result.filePath;
}

describe('resolveRendererFile: what it serves', () => {
  it('maps the root and index.html to index.html', () => {
    expect(resolved('app://keyward/')).toBe(join(ROOT, 'index.html'));
    expect(resolved('app://keyward')).toBe(join(ROOT, 'index.html'));
    expect(resolved('app://keyward/index.html')).toBe(join(ROOT, 'index.html'));
  });

  it('maps nested assets and ignores the query and the fragment', () => {
    expect(resolved('app://keyward/assets/index-abc123.js?v=2#x')).toBe(
      join(ROOT, 'assets', 'index-abc123.js'),
    );
  });

  it('decodes percent-encoded names', () => {
    expect(resolved('app://keyward/fonts/Inter%20Var.woff2')).toBe(join(ROOT, 'fonts', 'Inter Var.woff2'));
  });

  it('reports the content type by extension', () => {
    const contentType = (url: string) => {
      const result = resolveRendererFile(url, ROOT);
      return result.ok ? result.contentType : result.reason;
    };
    expect(contentType('app://keyward/')).toBe('text/html; charset=utf-8');
    expect(contentType('app://keyward/assets/a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentType('app://keyward/assets/a.css')).toBe('text/css; charset=utf-8');
    expect(contentType('app://keyward/mark.SVG')).toBe('image/svg+xml');
    expect(contentType('app://keyward/f.woff2')).toBe('font/woff2');
  });
});

describe('resolveRendererFile: what it refuses', () => {
  it.each([
    ['another scheme', 'file:///srv/keyward/out/renderer/index.html', 403],
    ['another host', 'app://evil/index.html', 403],
    ['a look-alike host', 'app://keyward.evil/index.html', 403],
    ['credentials', 'app://user@keyward/index.html', 403],
    ['a port', 'app://keyward:1/index.html', 403],
    ['a malformed URL', 'app://[', 400],
    ['no host', 'app:///index.html', 403],
    ['an encoded slash in a dot segment', 'app://keyward/assets/..%2f..%2f..%2fetc%2fpasswd', 403],
    ['an encoded slash', 'app://keyward/assets%2F..%2F..%2Fsecret', 403],
    ['backslashes', 'app://keyward/..\\..\\secret', 403],
    ['an encoded backslash', 'app://keyward/..%5c..%5csecret', 403],
    ['an absolute path in a segment', 'app://keyward/%2Fetc%2Fpasswd', 403],
    ['a doubled slash (absolute path)', 'app://keyward//etc/passwd', 404],
    ['a Windows drive', 'app://keyward/C:/Windows/win.ini', 403],
    ['an encoded Windows drive', 'app://keyward/C%3A%5CWindows%5Cwin.ini', 403],
    ['a NUL byte', 'app://keyward/index.html%00.png', 403],
    ['a hidden file', 'app://keyward/.env', 403],
    ['an encoded hidden file', 'app://keyward/%2eenv', 403],
    ['a directory (trailing slash)', 'app://keyward/assets/', 404],
    ['malformed percent-encoding', 'app://keyward/%E0%A4%A', 400],
  ])('refuses %s', (_what, url, status) => {
    const result = resolveRendererFile(url, ROOT);
    expect(result.ok).toBe(false);
    expect(result.ok ? 200 : result.status).toBe(status);
  });

  it.each([
    'app://keyward/../../../etc/passwd',
    'app://keyward/%2e%2e/%2e%2e/etc/passwd',
    'app://keyward/assets/.%2e/.%2e/.%2e/etc/passwd',
  ])('keeps the URL parser’s resolved dot segments inside the folder: %s', (url) => {
    expect(resolved(url)).toBe(join(ROOT, 'etc', 'passwd'));
  });

  it('never resolves outside the renderer folder, whatever the path (property)', () => {
    const segment = fc.oneof(
      fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '.%2e',
        '%2E.',
        '..%2f',
        '%2f',
        '%5c',
        '\\',
        'C:',
        '%00',
        '',
        'a',
        'index.html',
      ),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const result = resolveRendererFile(`app://keyward/${segments.join('/')}`, ROOT);
        if (result.ok) {
          const inside = relative(ROOT, result.filePath);
          expect(inside).not.toBe('');
          expect(inside.split(sep)).not.toContain('..');
          expect(result.filePath.startsWith(ROOT + sep)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('contentTypeFor', () => {
  it('serves unknown extensions as opaque bytes', () => {
    expect(contentTypeFor('/x/data.bin')).toBe('application/octet-stream');
    expect(contentTypeFor('/x/noext')).toBe('application/octet-stream');
  });
});
