// Pure: no `electron` import, so it is unit-tested under Node. Decides, per OS, which extra clipboard
// formats ask clipboard history, cloud clipboard and clipboard managers to leave a copy alone.
// electron-clipboard.ts writes them next to the text in ONE `clipboard.write([new ClipboardItem(…)])`,
// which Electron 45 commits atomically (one ScopedClipboardWriter), so no history ever sees the text
// without its markers. See electron/README.md, "Clipboard history", for what each OS honours.
import type { ClipboardTarget } from '../vault/clipboard/clipboard.ts';

/** One extra platform clipboard format written beside the text. */
export interface ClipboardMarker {
  /** The native format name: a registered format on Windows, a pasteboard type on macOS, a MIME type on Linux. */
  format: string;
  /** Its payload. Never the copied text. */
  data: Uint8Array<ArrayBuffer>;
}

/** How Electron 45 names a raw platform format in a `ClipboardItem`: `electron application/osclipboard;format="…"`. */
export const OS_CLIPBOARD_MIME = 'electron application/osclipboard';

/** The MIME type of the copied text itself. */
export const TEXT_MIME = 'text/plain';

/** A little-endian DWORD, as the Windows clipboard-history formats expect. */
function dword(value: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
}

function ascii(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/**
 * Windows 10 1809+ (documented under "Cloud Clipboard and Clipboard History Formats"):
 * `ExcludeClipboardContentFromMonitorProcessing` (any data) keeps the item out of history, cloud sync
 * and clipboard monitors that honour it; the other two (DWORD 0) say the same to history and to
 * cloud clipboard separately, for readers that only check those.
 */
const WINDOWS_MARKERS: readonly ClipboardMarker[] = [
  { format: 'ExcludeClipboardContentFromMonitorProcessing', data: dword(1) },
  { format: 'CanIncludeInClipboardHistory', data: dword(0) },
  { format: 'CanUploadToCloudClipboard', data: dword(0) },
];

/** macOS: the nspasteboard.org convention for passwords and other confidential data. */
const MACOS_MARKERS: readonly ClipboardMarker[] = [
  { format: 'org.nspasteboard.ConcealedType', data: ascii('concealed') },
];

/** X11 and Wayland: KDE Klipper's hint (also read by other managers), value `secret`. */
const FREEDESKTOP_MARKERS: readonly ClipboardMarker[] = [
  { format: 'x-kde-passwordManagerHint', data: ascii('secret') },
];

const FREEDESKTOP_PLATFORMS: ReadonlySet<string> = new Set(['linux', 'freebsd', 'openbsd', 'netbsd']);

/**
 * The markers to write beside the text on `target` for `platform` (a `process.platform` value).
 * The primary selection exists only on X11/Wayland and gets the same hint as the clipboard.
 * Empty where no marker is known.
 */
export function historyMarkers(platform: string, target: ClipboardTarget): readonly ClipboardMarker[] {
  if (platform === 'win32') {
    return target === 'clipboard' ? WINDOWS_MARKERS : [];
  }
  if (platform === 'darwin') {
    return target === 'clipboard' ? MACOS_MARKERS : [];
  }
  return FREEDESKTOP_PLATFORMS.has(platform) ? FREEDESKTOP_MARKERS : [];
}

/**
 * The `ClipboardItem` key for a raw platform format. Chromium CHECKs that the name is ASCII (a
 * non-ASCII name would crash the main process), and a quote would end the parameter early, so
 * both are refused here.
 */
export function osClipboardKey(format: string): string {
  if (!/^[\x20-\x7e]+$/.test(format) || format.includes('"')) {
    throw new TypeError('A platform clipboard format name must be printable ASCII without quotes.');
  }
  return `${OS_CLIPBOARD_MIME};format="${format}"`;
}

/** What one atomic clipboard write carries: the text and each marker, keyed as `ClipboardItem` wants. */
export type ClipboardEntries = Readonly<Record<string, string | Uint8Array<ArrayBuffer>>>;

/** The entries of one write: `text/plain` plus every marker under its `osclipboard` key. */
export function clipboardEntries(text: string, markers: readonly ClipboardMarker[]): ClipboardEntries {
  const entries: Record<string, string | Uint8Array<ArrayBuffer>> = { [TEXT_MIME]: text };
  for (const marker of markers) {
    entries[osClipboardKey(marker.format)] = marker.data;
  }
  return entries;
}

const OS_NAMES: Readonly<Record<string, string>> = { win32: 'Windows', darwin: 'macOS', linux: 'Linux' };

/** A short, human line about what a copy on `platform` is marked with (for `describe()`); never any text. */
export function describeHistoryCoverage(platform: string): string {
  const os = OS_NAMES[platform] ?? platform;
  const markers = historyMarkers(platform, 'clipboard');
  if (markers.length === 0) {
    return `${os}: no clipboard-history marker is known; copies are only cleared on time`;
  }
  return `${os}: copies are marked ${markers.map((marker) => marker.format).join(', ')}`;
}
