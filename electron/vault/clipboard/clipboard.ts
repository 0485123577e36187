/**
 * Where copied text can go. `clipboard` is the ordinary Ctrl+C / Ctrl+V clipboard on every OS;
 * `selection` is the Linux (X11 and Wayland) primary selection, pasted with the middle button.
 * The names match the `type` argument of Electron's `clipboard.readText/writeText/clear`.
 */
export type ClipboardTarget = 'clipboard' | 'selection';

/** Every target, in the order they are written and checked. */
export const CLIPBOARD_TARGETS: readonly ClipboardTarget[] = ['clipboard', 'selection'];

/**
 * The port to the operating system's clipboard. The Electron main process implements it over
 * Electron's `clipboard` module; the `keyward` CLI over the OS tools (`electron/cli/clipboard/`);
 * tests over an in-memory fake. The engine never reads or writes the clipboard any other way.
 *
 * Implementations pass text to the OS without logging it and never put it on a command line.
 */
export interface SystemClipboard {
  /**
   * Puts `text` on `target`, replacing what was there. Where the platform has a way to mark the
   * text as secret (kept out of clipboard history and cloud clipboard), the implementation uses it.
   * Rejects when the text could not be placed; `selection` is only written when
   * {@link supportsSelection} is true.
   */
  write(text: string, target: ClipboardTarget): Promise<void>;

  /**
   * The text on `target` now, or `null` when it holds nothing readable as text (empty, owned by
   * nobody, or only non-text formats such as an image). An adapter that cannot tell empty from
   * nothing (Electron's `readText` answers `''` for both) may return `''`. Rejects only when the
   * clipboard itself cannot be reached.
   */
  read(target: ClipboardTarget): Promise<string | null>;

  /** Empties `target` (or makes it hold the empty string, where emptying is not possible). */
  clear(target: ClipboardTarget): Promise<void>;

  /** True where a primary selection exists (Linux X11 and Wayland). */
  readonly supportsSelection: boolean;

  /** A short, human description of the mechanism, e.g. `xclip (X11, display :0)`. Never any text. */
  describe(): string;
}
