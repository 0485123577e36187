import { KeywardError } from '../../../shared/errors.ts';
import type { ClipboardTarget, SystemClipboard } from '../../vault/clipboard/clipboard.ts';
import type { BackendEnvironment, ClipboardBackend, ToolCommand } from './clipboard-backends.ts';
import { pickClipboardBackend } from './clipboard-backends.ts';
import type { ToolResult } from './run-tool.ts';
import { runTool } from './run-tool.ts';

/**
 * The real OS clipboard for the `keyward` CLI: a {@link SystemClipboard} that runs the platform's
 * clipboard tools (see README.md). Text only ever travels on the tools' stdin/stdout.
 */
export class OsClipboard implements SystemClipboard {
  readonly backend: ClipboardBackend;

  constructor(backend: ClipboardBackend) {
    this.backend = backend;
  }

  get supportsSelection(): boolean {
    return this.backend.supportsSelection;
  }

  async write(text: string, target: ClipboardTarget): Promise<void> {
    this.checkTarget(target);
    if (this.backend.asciiOnly && /[^\x20-\x7e\t\r\n]/.test(text)) {
      throw new KeywardError(
        'INVALID_INPUT',
        `The ${this.backend.name} clipboard tools carry plain ASCII only; this text has other characters.`,
      );
    }
    const result = await this.run(this.backend.write(target), text, false);
    this.check(result, 'write to', target);
  }

  async read(target: ClipboardTarget): Promise<string | null> {
    this.checkTarget(target);
    const result = await this.run(this.backend.read(target), '', true);
    if (result.code !== 0 && !result.timedOut && this.backend.readFoundNothing(result)) {
      return null;
    }
    this.check(result, 'read', target);
    return result.stdout.toString('utf8');
  }

  async clear(target: ClipboardTarget): Promise<void> {
    this.checkTarget(target);
    const result = await this.run(this.backend.clear(target), '', false);
    this.check(result, 'clear', target);
  }

  describe(): string {
    return this.backend.marksSecret
      ? `${this.backend.description}, marked secret for clipboard managers`
      : this.backend.description;
  }

  private run(command: ToolCommand, input: string, captureStdout: boolean): Promise<ToolResult> {
    return runTool({
      file: command.file,
      args: command.args,
      env: this.backend.env,
      input,
      captureStdout,
      daemonizes: command.daemonizes,
    }).catch((error: unknown) => {
      throw new KeywardError('INVALID_STATE', `Could not start ${command.file} for the clipboard.`, {
        cause: error,
      });
    });
  }

  private checkTarget(target: ClipboardTarget): void {
    if (target === 'selection' && !this.backend.supportsSelection) {
      throw new KeywardError('INVALID_STATE', `${this.backend.description} has no primary selection.`);
    }
  }

  private check(result: ToolResult, action: string, target: ClipboardTarget): void {
    if (result.code === 0) {
      return;
    }
    const what = target === 'selection' ? 'the primary selection' : 'the clipboard';
    const why = result.timedOut
      ? 'it did not finish in time'
      : `it exited with ${result.code ?? 'a signal'}${result.stderr === '' ? '' : `: ${firstLine(result.stderr)}`}`;
    throw new KeywardError('INVALID_STATE', `Could not ${action} ${what} with ${this.backend.name}: ${why}.`);
  }
}

/**
 * The OS clipboard for this process's environment. Throws INVALID_STATE, naming what is missing,
 * when there is none (no graphical session, or no clipboard tool installed).
 */
export function openOsClipboard(where: Partial<BackendEnvironment> = {}): OsClipboard {
  return new OsClipboard(pickClipboardBackend({ ...where, env: where.env ?? process.env }));
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 200);
}
