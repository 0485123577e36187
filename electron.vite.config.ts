// The three bundles of the desktop app: `npx electron-vite build` → out/main, out/preload, out/renderer.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;
const { version } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };

/** N-API modules: loaded from node_modules at run time (asar-unpacked when packaged), never bundled. */
const nativeModules = ['better-sqlite3-multiple-ciphers', 'argon2', '@napi-rs/keyring'];

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Every `dependencies` entry stays a run-time import (electron-vite's default); the native
      // modules are listed again so they stay external even if someone turns that default off.
      externalizeDeps: { include: nativeModules },
      rolldownOptions: {
        input: { index: resolve(root, 'electron/main/index.ts') },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    define: { __KEYWARD_VERSION__: JSON.stringify(version) },
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload can `require` only `electron` (and a few polyfills): bundle everything
      // else into one CommonJS file. An ES module preload does not load in a sandbox.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      rolldownOptions: {
        input: { index: resolve(root, 'renderer/index.html') },
      },
    },
  },
});
