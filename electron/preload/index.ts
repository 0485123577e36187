// The preload: runs sandboxed, with context isolation, before the renderer's page. Built to
// out/preload/index.cjs (a sandboxed preload cannot be an ES module). It may `import` only `electron`
// and code bundled into it.
//
// Placeholder bridge. The typed bridge — one `call(channel, input)` built from the channel list in
// shared/ipc/contract.ts — arrives with the UI issue. Whatever it becomes, raw `ipcRenderer` (or any
// function that takes a channel name from the page) is never exposed.
import { contextBridge } from 'electron';

/** What the renderer sees as `window.keyward`. */
export interface KeywardBridge {
  /** The app version. */
  readonly version: string;
}

// Replaced at build time with package.json's version (electron.vite.config.ts `define`).
declare const __KEYWARD_VERSION__: string;

const bridge: KeywardBridge = Object.freeze({ version: __KEYWARD_VERSION__ });

contextBridge.exposeInMainWorld('keyward', bridge);
