// The tray PNGs are `?asset` imports: electron-vite emits them into out/main/chunks/, the only place
// packaged builds can read them from (electron-builder ships out/** alone). Skipped until built.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const mainBundle = join(import.meta.dirname, '..', '..', '..', '..', 'out', 'main', 'index.js');

describe.skipIf(!existsSync(mainBundle))(
  'tray icons in the main bundle (skipped: run `npm run build` first)',
  () => {
    it('references each tray PNG beside the bundle, and each one is there', () => {
      const code = readFileSync(mainBundle, 'utf8');
      const refs = [...code.matchAll(/"\.\/(chunks\/[^"]+\.png)"/g)].map((match) => match[1] ?? '');
      expect(refs.map((ref) => ref.replace(/-[\w-]+\.png$/, ''))).toEqual(
        expect.arrayContaining([
          'chunks/tray',
          'chunks/tray@2x',
          'chunks/trayTemplate',
          'chunks/trayTemplate@2x',
        ]),
      );
      for (const ref of refs) {
        expect(existsSync(join(mainBundle, '..', ref)), ref).toBe(true);
      }
      expect(code).not.toMatch(/resources\/tray/);
    });
  },
);
