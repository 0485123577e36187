// Pure: no `electron` import. The engine's `SystemClipboard` port over a minimal view of Electron's
// clipboard (`ClipboardPort`, implemented in electron-clipboard.ts), so every decision — markers,
// the fallback when they are refused, the selection — is unit-tested under Node.
import { KeywardError } from '../../shared/errors.ts';
import type { ClipboardTarget, SystemClipboard } from '../vault/clipboard/clipboard.ts';
import { clipboardEntries, describeHistoryCoverage, historyMarkers } from './clipboard-history.ts';
import type { ClipboardEntries } from './clipboard-history.ts';

/** The few clipboard operations the adapter needs, per target (Electron's `clipboard` / `clipboard.selection`). */
export interface ClipboardPort {
  /** Writes every entry to `target` in one commit (Electron: `write([new ClipboardItem(entries)])`). */
  write(target: ClipboardTarget, entries: ClipboardEntries): Promise<void>;
  /** Writes plain text only. */
  writeText(target: ClipboardTarget, text: string): Promise<void>;
  /** The text on `target` (`''` when there is none). */
  readText(target: ClipboardTarget): Promise<string>;
  /** Empties `target`. */
  clear(target: ClipboardTarget): Promise<void>;
  /** Whether `selection` exists (Electron: `clipboard.selection`, Linux only). */
  readonly hasSelection: boolean;
}

/**
 * `SystemClipboard` for the desktop app: writes the text together with the platform's
 * clipboard-history markers in one commit. If that write is refused (an Electron that does not take
 * the raw formats), the text is written plain so the copy still works, and `describe()` says the
 * last copy was not marked. Text is never logged.
 */
export class MarkingClipboard implements SystemClipboard {
  private readonly port: ClipboardPort;
  private readonly platform: string;
  private unmarked = false;

  constructor(port: ClipboardPort, platform: string) {
    this.port = port;
    this.platform = platform;
  }

  get supportsSelection(): boolean {
    return this.port.hasSelection;
  }

  async write(text: string, target: ClipboardTarget): Promise<void> {
    this.assertTarget(target);
    const markers = historyMarkers(this.platform, target);
    if (markers.length === 0) {
      await this.port.writeText(target, text);
      return;
    }
    try {
      await this.port.write(target, clipboardEntries(text, markers));
      if (target === 'clipboard') {
        this.unmarked = false;
      }
    } catch {
      // Markers refused: the copy still works unmarked, and `describe()` tells the user so.
      await this.port.writeText(target, text);
      if (target === 'clipboard') {
        this.unmarked = true;
      }
    }
  }

  async read(target: ClipboardTarget): Promise<string | null> {
    this.assertTarget(target);
    return await this.port.readText(target);
  }

  async clear(target: ClipboardTarget): Promise<void> {
    this.assertTarget(target);
    await this.port.clear(target);
  }

  describe(): string {
    const coverage = describeHistoryCoverage(this.platform);
    return this.unmarked
      ? `Electron clipboard (${coverage}; the last copy could not be marked and may be kept by clipboard history)`
      : `Electron clipboard (${coverage})`;
  }

  private assertTarget(target: ClipboardTarget): void {
    if (target === 'selection' && !this.port.hasSelection) {
      throw new KeywardError('INVALID_STATE', 'There is no primary selection on this system.');
    }
  }
}
