// Checks on what `electron-vite build` produced (scripts/test.sh builds before it runs the tests).
// Where out/ has not been built, the build-output checks are skipped and say why.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppRequestHandler } from '../../electron/main/app-request-handler.ts';

const root = join(import.meta.dirname, '..', '..');
const out = join(root, 'out');
const built = ['main/index.js', 'preload/index.cjs', 'renderer/index.html'].every((file) =>
  existsSync(join(out, file)),
);

function noInlineCode(html: string): void {
  // Every <script> has a src and no body; no <style> element; no style="" or on…="" attributes.
  for (const [, attributes = '', body = ''] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    expect(attributes).toMatch(/\bsrc=/);
    expect(body.trim()).toBe('');
  }
  expect(html).not.toMatch(/<style\b/i);
  expect(html).not.toMatch(/\sstyle\s*=/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
}

describe('renderer/index.html (source)', () => {
  it('has no inline scripts, styles or handlers, so the CSP holds', () => {
    noInlineCode(readFileSync(join(root, 'renderer', 'index.html'), 'utf8'));
  });
});

describe.skipIf(!built)(
  'the electron-vite build output (skipped: run `npx electron-vite build` first)',
  () => {
    it('emits the preload as CommonJS that requires nothing but electron (sandboxed preloads cannot be ESM)', () => {
      const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
      expect(preload).not.toMatch(/^\s*import\s|^\s*export\s/m);
      const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
      expect(new Set(required)).toEqual(new Set(['electron']));
      expect(preload).toContain('exposeInMainWorld("keyward"');
      // ipcRenderer is used only inside the bridge, never handed to the page; the bundle stays small
      // (it carries the channel names, not zod).
      const uses = [...preload.matchAll(/^.*ipcRenderer.*$/gm)]
        .map((match) => match[0])
        .filter((line) => !/^\s*(\/\/|\/?\*)/.test(line));
      expect(uses).toHaveLength(1);
      expect(uses[0]).toMatch(
        /^electron\.contextBridge\.exposeInMainWorld\("keyward", createBridge\(electron\.ipcRenderer, "[^"]*"\)\);$/,
      );
      expect(preload.length).toBeLessThan(8_000);
    });

    it('emits the main process as an ES module that loads the native modules at run time, never bundled', () => {
      const main = readFileSync(join(out, 'main', 'index.js'), 'utf8');
      expect(main).toMatch(/from "electron"/);
      expect(main).not.toMatch(/prebuilds|node-gyp-build|\.node["']/);
    });

    it('emits an index.html without inline code, whose every asset the app protocol serves', async () => {
      const html = readFileSync(join(out, 'renderer', 'index.html'), 'utf8');
      noInlineCode(html);
      const refs = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
      expect(refs.length).toBeGreaterThan(0);
      const handle = createAppRequestHandler({ rendererDir: join(out, 'renderer') });
      for (const ref of refs) {
        expect(ref, 'relative asset URL').toMatch(/^\.\//);
        const response = await handle(new Request(new URL(ref, 'app://keyward/index.html')));
        expect(response.status, ref).toBe(200);
      }
    });
  },
);
