import type { ClipboardTarget, SystemClipboard } from '../../../../electron/vault/clipboard/clipboard.ts';

/**
 * An in-memory {@link SystemClipboard} for tests: a map per target, plus switches to make an
 * operation fail or wait, and a log of the operations (never the text).
 */
export class MemoryClipboard implements SystemClipboard {
  readonly supportsSelection: boolean;
  readonly contents = new Map<ClipboardTarget, string>();
  /** Every operation, as `write:clipboard`, `read:selection`, `clear:clipboard` … */
  readonly operations: string[] = [];
  /** Operations (as in {@link operations}) that reject. */
  readonly failing = new Set<string>();
  /** While set, writes wait for this promise before they happen. */
  writeGate: Promise<void> | null = null;

  constructor(options: { supportsSelection?: boolean } = {}) {
    this.supportsSelection = options.supportsSelection ?? true;
  }

  /** What another application (or the user) does: puts text on a target directly. */
  userCopies(text: string, target: ClipboardTarget = 'clipboard'): void {
    this.contents.set(target, text);
  }

  async write(text: string, target: ClipboardTarget): Promise<void> {
    if (target === 'selection' && !this.supportsSelection) {
      throw new Error('this fake clipboard has no selection');
    }
    if (this.writeGate !== null) {
      await this.writeGate;
    }
    this.record(`write:${target}`);
    this.contents.set(target, text);
  }

  read(target: ClipboardTarget): Promise<string | null> {
    return this.run(`read:${target}`, () => this.contents.get(target) ?? null);
  }

  clear(target: ClipboardTarget): Promise<void> {
    return this.run(`clear:${target}`, () => {
      this.contents.delete(target);
    });
  }

  describe(): string {
    return 'in-memory test clipboard';
  }

  private run<T>(operation: string, action: () => T): Promise<T> {
    return new Promise((resolve) => {
      this.record(operation);
      resolve(action());
    });
  }

  private record(operation: string): void {
    this.operations.push(operation);
    if (this.failing.has(operation)) {
      throw new Error(`${operation} failed (test)`);
    }
  }
}
