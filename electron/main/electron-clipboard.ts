// The only lines between Electron's clipboard and the engine's `SystemClipboard` port; every decision
// is in clipboard-adapter.ts and clipboard-history.ts.
import { clipboard, ClipboardItem } from 'electron';
import type { Clipboard } from 'electron';
import type { ClipboardTarget } from '../vault/clipboard/clipboard.ts';
import { MarkingClipboard } from './clipboard-adapter.ts';
import type { ClipboardEntries } from './clipboard-history.ts';

/** `ClipboardItem` takes strings for text types and `Blob`s for raw bytes (Electron 45). */
function toItem(entries: ClipboardEntries): ClipboardItem {
  const payloads: Record<string, string | Blob> = {};
  for (const [mime, value] of Object.entries(entries)) {
    payloads[mime] = typeof value === 'string' ? value : new Blob([value]);
  }
  return new ClipboardItem(payloads);
}

/**
 * The desktop's clipboard: Electron's `clipboard`, plus `clipboard.selection` (the primary selection;
 * Electron defines it on Linux only, `undefined` elsewhere).
 */
export function createElectronClipboard(platform: string = process.platform): MarkingClipboard {
  const selection: Clipboard | undefined = clipboard.selection;
  const board = (target: ClipboardTarget): Clipboard => {
    if (target === 'clipboard') {
      return clipboard;
    }
    if (selection === undefined) {
      throw new Error('There is no primary selection on this system.');
    }
    return selection;
  };
  return new MarkingClipboard(
    {
      hasSelection: selection !== undefined,
      write: (target, entries) => board(target).write([toItem(entries)]),
      writeText: (target, text) => board(target).writeText(text),
      readText: (target) => board(target).readText(),
      clear: (target) =>
        Promise.resolve().then(() => {
          board(target).clear();
        }),
    },
    platform,
  );
}
