import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppRequestHandler } from '../../../../electron/main/app-request-handler.ts';
import { RENDERER_CSP } from '../../../../electron/main/csp.ts';

let base: string;
let rendererDir: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'keyward-app-protocol-'));
  rendererDir = join(base, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Keyward</title>');
  writeFileSync(join(rendererDir, 'assets', 'index.js'), 'export {};');
  writeFileSync(join(rendererDir, 'assets', 'index.css'), 'body{}');
  // Siblings a traversal would aim for, including one whose name starts like the renderer folder.
  writeFileSync(join(base, 'secret.txt'), 'TOP SECRET');
  mkdirSync(join(base, 'renderer-private'));
  writeFileSync(join(base, 'renderer-private', 'secret.txt'), 'TOP SECRET');
  // Links inside the build: two lead out of it, one stays inside.
  symlinkSync(join(base, 'secret.txt'), join(rendererDir, 'assets', 'leak.txt'));
  symlinkSync(join(base, 'renderer-private'), join(rendererDir, 'private'));
  symlinkSync(join(rendererDir, 'assets', 'index.css'), join(rendererDir, 'assets', 'alias.css'));
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

function request(url: string, init: RequestInit & { initiatorOrigin?: string } = {}): Request {
  const { initiatorOrigin, ...rest } = init;
  const req = new Request(url, rest);
  if (initiatorOrigin !== undefined) {
    Object.assign(req, { initiatorOrigin });
  }
  return req;
}

describe('the app protocol handler', () => {
  it('serves index.html for the root, with the CSP and the hardening headers', async () => {
    const response = await createAppRequestHandler({ rendererDir })(request('app://keyward/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Keyward</title>');
  });

  it('serves assets with their content types', async () => {
    const handle = createAppRequestHandler({ rendererDir });
    const js = await handle(request('app://keyward/assets/index.js', { initiatorOrigin: 'app://keyward' }));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const css = await handle(request('app://keyward/assets/index.css'));
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers HEAD without a body', async () => {
    const response = await createAppRequestHandler({ rendererDir })(
      request('app://keyward/index.html', { method: 'HEAD' }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])('refuses %s with 405', async (method) => {
    const response = await createAppRequestHandler({ rendererDir })(
      request('app://keyward/index.html', { method }),
    );
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('refuses requests made by another origin', async () => {
    const handle = createAppRequestHandler({ rendererDir });
    for (const initiatorOrigin of ['https://evil.example', 'null', 'app://evil']) {
      const response = await handle(request('app://keyward/assets/index.js', { initiatorOrigin }));
      expect(response.status, initiatorOrigin).toBe(403);
    }
  });

  it.each([
    'app://keyward/../secret.txt',
    'app://keyward/%2e%2e/secret.txt',
    'app://keyward/..%2fsecret.txt',
    'app://keyward/..%5csecret.txt',
    'app://keyward/../renderer-private/secret.txt',
    'app://keyward/assets/..%2f..%2frenderer-private%2fsecret.txt',
    'app://keyward//etc/passwd',
    'app://keyward/assets',
    'app://keyward/missing.js',
    'app://evil/index.html',
  ])('never leaks a file outside the build: %s', async (url) => {
    const response = await createAppRequestHandler({ rendererDir })(request(url));
    const body = await response.text();
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(body).not.toContain('TOP SECRET');
    expect(body).not.toContain(base);
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP);
  });

  it('refuses a symbolic link whose real path leaves the renderer folder (403), follows one that stays', async () => {
    const handle = createAppRequestHandler({ rendererDir });
    for (const url of ['app://keyward/assets/leak.txt', 'app://keyward/private/secret.txt']) {
      const response = await handle(request(url));
      expect(response.status, url).toBe(403);
      const body = await response.text();
      expect(body).not.toContain('TOP SECRET');
      expect(body).not.toContain(base);
      expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    }
    const inside = await handle(request('app://keyward/assets/alias.css'));
    expect(inside.status).toBe(200);
    expect(await inside.text()).toBe('body{}');
  });

  it('answers a failed read with 500 and no detail', async () => {
    const handle = createAppRequestHandler({
      rendererDir,
      readFile: () =>
        Promise.reject(Object.assign(new Error(`EACCES: ${base}/index.html`), { code: 'EACCES' })),
    });
    const response = await handle(request('app://keyward/index.html'));
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).not.toContain(base);
    expect(body).not.toContain('EACCES');
    expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP);
  });
});
