// The preload: runs sandboxed, with context isolation, before the renderer's page. Built to
// out/preload/index.cjs (a sandboxed preload cannot be an ES module). It may `import` only `electron`
// and code bundled into it.
//
// Exposes the typed bridge built from the contract's channel list (bridge.ts). Raw `ipcRenderer`, or
// any function that lets the page reach a channel outside the contract, is never exposed.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

export type { KeywardBridge } from './bridge.ts';

// Replaced at build time with package.json's version (electron.vite.config.ts `define`).
declare const __KEYWARD_VERSION__: string;

contextBridge.exposeInMainWorld('keyward', createBridge(ipcRenderer, __KEYWARD_VERSION__));
