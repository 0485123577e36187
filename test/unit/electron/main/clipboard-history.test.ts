import { describe, expect, it } from 'vitest';
import {
  clipboardEntries,
  describeHistoryCoverage,
  historyMarkers,
  OS_CLIPBOARD_MIME,
  osClipboardKey,
  TEXT_MIME,
} from '../../../../electron/main/clipboard-history.ts';

const formats = (platform: string, target: 'clipboard' | 'selection' = 'clipboard'): string[] =>
  historyMarkers(platform, target).map((marker) => marker.format);
const dataOf = (platform: string, format: string): number[] => [
  ...(historyMarkers(platform, 'clipboard').find((marker) => marker.format === format)?.data ?? []),
];

describe('historyMarkers', () => {
  it('Windows: the three registered formats of clipboard history and cloud clipboard', () => {
    expect(formats('win32')).toEqual([
      'ExcludeClipboardContentFromMonitorProcessing',
      'CanIncludeInClipboardHistory',
      'CanUploadToCloudClipboard',
    ]);
  });

  it('Windows: history and cloud flags are little-endian DWORD 0; the exclusion carries a DWORD too', () => {
    expect(dataOf('win32', 'CanIncludeInClipboardHistory')).toEqual([0, 0, 0, 0]);
    expect(dataOf('win32', 'CanUploadToCloudClipboard')).toEqual([0, 0, 0, 0]);
    expect(dataOf('win32', 'ExcludeClipboardContentFromMonitorProcessing')).toEqual([1, 0, 0, 0]);
  });

  it('macOS: the nspasteboard.org concealed type', () => {
    expect(formats('darwin')).toEqual(['org.nspasteboard.ConcealedType']);
    expect(dataOf('darwin', 'org.nspasteboard.ConcealedType').length).toBeGreaterThan(0);
  });

  it('Linux and the BSDs: the KDE password-manager hint, value "secret", on the clipboard and the selection', () => {
    for (const platform of ['linux', 'freebsd', 'openbsd']) {
      expect(formats(platform)).toEqual(['x-kde-passwordManagerHint']);
      expect(formats(platform, 'selection')).toEqual(['x-kde-passwordManagerHint']);
      expect(Buffer.from(dataOf(platform, 'x-kde-passwordManagerHint')).toString('ascii')).toBe('secret');
    }
  });

  it('has nothing for a selection where there is none, or for an unknown platform', () => {
    expect(formats('win32', 'selection')).toEqual([]);
    expect(formats('darwin', 'selection')).toEqual([]);
    expect(formats('aix')).toEqual([]);
  });

  it('uses only printable-ASCII format names (Chromium CHECKs the name is ASCII)', () => {
    for (const platform of ['win32', 'darwin', 'linux']) {
      for (const format of formats(platform)) {
        expect(format).toMatch(/^[\x20-\x7e]+$/);
      }
    }
  });
});

describe('osClipboardKey', () => {
  it("wraps a native format in Electron's osclipboard MIME", () => {
    expect(osClipboardKey('CanUploadToCloudClipboard')).toBe(
      'electron application/osclipboard;format="CanUploadToCloudClipboard"',
    );
  });

  it.each(['', 'a"b', 'café', 'tab\there', 'new\nline'])('refuses %j', (name) => {
    expect(() => osClipboardKey(name)).toThrow(TypeError);
  });
});

describe('clipboardEntries', () => {
  it('puts the text and every marker in one entry map', () => {
    const entries = clipboardEntries('kw_secret', historyMarkers('win32', 'clipboard'));
    expect(Object.keys(entries)).toEqual([
      TEXT_MIME,
      `${OS_CLIPBOARD_MIME};format="ExcludeClipboardContentFromMonitorProcessing"`,
      `${OS_CLIPBOARD_MIME};format="CanIncludeInClipboardHistory"`,
      `${OS_CLIPBOARD_MIME};format="CanUploadToCloudClipboard"`,
    ]);
    expect(entries[TEXT_MIME]).toBe('kw_secret');
  });

  it('never puts the text into a marker', () => {
    const text = 'kw_0123456789abcdef';
    for (const platform of ['win32', 'darwin', 'linux']) {
      const entries = clipboardEntries(text, historyMarkers(platform, 'clipboard'));
      for (const [key, value] of Object.entries(entries)) {
        if (key !== TEXT_MIME) {
          expect(Buffer.from(value as Uint8Array).toString('latin1')).not.toContain(text);
        }
      }
    }
  });

  it('is just the text without markers', () => {
    expect(clipboardEntries('x', [])).toEqual({ [TEXT_MIME]: 'x' });
  });
});

describe('describeHistoryCoverage', () => {
  it('names the markers, never any text', () => {
    expect(describeHistoryCoverage('win32')).toContain('CanIncludeInClipboardHistory');
    expect(describeHistoryCoverage('darwin')).toContain('macOS');
    expect(describeHistoryCoverage('linux')).toContain('x-kde-passwordManagerHint');
    expect(describeHistoryCoverage('aix')).toContain('no clipboard-history marker');
  });
});
