import { describe, expect, it } from 'vitest';
import type { ClipboardTarget } from '../../../../electron/vault/clipboard/clipboard.ts';
import { ClipboardGuard } from '../../../../electron/vault/clipboard/clipboard-guard.ts';
import type { ClipboardPort } from '../../../../electron/main/clipboard-adapter.ts';
import { MarkingClipboard } from '../../../../electron/main/clipboard-adapter.ts';
import type { ClipboardEntries } from '../../../../electron/main/clipboard-history.ts';
import { codeOfAsync } from '../../../support/checks.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

/** An in-memory Electron clipboard: each target holds the entries of its last write. */
class FakePort implements ClipboardPort {
  readonly boards = new Map<ClipboardTarget, ClipboardEntries>();
  readonly writes: { target: ClipboardTarget; keys: string[] }[] = [];
  refuseMarkers = false;

  readonly hasSelection: boolean;

  constructor(hasSelection: boolean) {
    this.hasSelection = hasSelection;
  }

  write(target: ClipboardTarget, entries: ClipboardEntries): Promise<void> {
    if (this.refuseMarkers) {
      return Promise.reject(new TypeError('ClipboardItem `data` values must be a Buffer'));
    }
    this.writes.push({ target, keys: Object.keys(entries) });
    this.boards.set(target, entries);
    return Promise.resolve();
  }

  writeText(target: ClipboardTarget, text: string): Promise<void> {
    this.writes.push({ target, keys: ['text/plain'] });
    this.boards.set(target, { 'text/plain': text });
    return Promise.resolve();
  }

  readText(target: ClipboardTarget): Promise<string> {
    const text = this.boards.get(target)?.['text/plain'];
    return Promise.resolve(typeof text === 'string' ? text : '');
  }

  clear(target: ClipboardTarget): Promise<void> {
    this.boards.delete(target);
    return Promise.resolve();
  }
}

describe('MarkingClipboard', () => {
  it('writes the text and the markers in one write (Windows)', async () => {
    const port = new FakePort(false);
    await new MarkingClipboard(port, 'win32').write('kw_key', 'clipboard');
    expect(port.writes).toHaveLength(1);
    expect(port.writes[0]?.keys).toEqual([
      'text/plain',
      'electron application/osclipboard;format="ExcludeClipboardContentFromMonitorProcessing"',
      'electron application/osclipboard;format="CanIncludeInClipboardHistory"',
      'electron application/osclipboard;format="CanUploadToCloudClipboard"',
    ]);
  });

  it('marks the Linux selection too', async () => {
    const port = new FakePort(true);
    const board = new MarkingClipboard(port, 'linux');
    expect(board.supportsSelection).toBe(true);
    await board.write('kw_key', 'selection');
    expect(port.writes[0]).toEqual({
      target: 'selection',
      keys: ['text/plain', 'electron application/osclipboard;format="x-kde-passwordManagerHint"'],
    });
  });

  it('falls back to plain text when the markers are refused, and says so', async () => {
    const port = new FakePort(false);
    port.refuseMarkers = true;
    const board = new MarkingClipboard(port, 'darwin');
    await board.write('kw_key', 'clipboard');
    expect(await board.read('clipboard')).toBe('kw_key');
    expect(board.describe()).toContain('could not be marked');
    port.refuseMarkers = false;
    await board.write('kw_key', 'clipboard');
    expect(board.describe()).not.toContain('could not be marked');
  });

  it('writes plain text where no marker is known', async () => {
    const port = new FakePort(false);
    await new MarkingClipboard(port, 'aix').write('kw_key', 'clipboard');
    expect(port.writes).toEqual([{ target: 'clipboard', keys: ['text/plain'] }]);
  });

  it('refuses the selection where there is none', async () => {
    const board = new MarkingClipboard(new FakePort(false), 'win32');
    expect(board.supportsSelection).toBe(false);
    expect(await codeOfAsync(board.write('x', 'selection'))).toBe('INVALID_STATE');
    expect(await codeOfAsync(board.read('selection'))).toBe('INVALID_STATE');
  });

  it('reads empty as "" and clears', async () => {
    const port = new FakePort(false);
    const board = new MarkingClipboard(port, 'win32');
    expect(await board.read('clipboard')).toBe('');
    await board.write('kw_key', 'clipboard');
    await board.clear('clipboard');
    expect(await board.read('clipboard')).toBe('');
  });

  it('describes the mechanism without any text', async () => {
    const port = new FakePort(false);
    const board = new MarkingClipboard(port, 'win32');
    await board.write('kw_very_secret', 'clipboard');
    expect(board.describe()).toMatch(/^Electron clipboard \(Windows: copies are marked /);
    expect(board.describe()).not.toContain('kw_very_secret');
  });

  it('under a ClipboardGuard: marked copy to clipboard and selection, cleared on time only if unchanged', async () => {
    const clock = new FakeClock();
    const port = new FakePort(true);
    const guard = new ClipboardGuard(new MarkingClipboard(port, 'linux'), clock);
    const result = await guard.copy('kw_key', { clearAfterSeconds: 30 });
    expect(result.targets).toEqual(['clipboard', 'selection']);
    expect(port.writes.every((write) => write.keys.length === 2)).toBe(true);
    // The user selects other text; the clipboard still holds the copy.
    await port.writeText('selection', 'something else');
    clock.advance(30_000);
    await guard.clearNow();
    expect(port.boards.has('clipboard')).toBe(false);
    expect(await port.readText('selection')).toBe('something else');
  });
});
