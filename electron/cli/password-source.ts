import { KeywardError } from '../../shared/errors.ts';

/** Asks `question` on the terminal and resolves with the answer, which is not echoed. */
export type PromptFunction = (question: string) => Promise<string>;

/** Environment variable holding the master password (the current one, for `passwd`). */
export const PASSWORD_ENV = 'KEYWARD_PASSWORD';
/** Environment variable holding the new master password for `passwd`. */
export const NEW_PASSWORD_ENV = 'KEYWARD_NEW_PASSWORD';

/** The most `--password-stdin` reads: far more than two passwords of the maximum length. */
const MAX_STDIN_BYTES = 64 * 1024;

/** Where passwords may come from in one run of the CLI. */
export interface PasswordInputs {
  /** `--password-stdin`: line 1 of stdin is the password (for `passwd`, line 2 the new one). */
  passwordStdin: boolean;
  env: Readonly<Record<string, string | undefined>>;
  stdin: NodeJS.ReadableStream;
  /** Whether stdin is a terminal, so that a prompt can be shown. */
  isTTY: boolean;
  prompt: PromptFunction;
}

/** The usage error for "a password is needed and there is no way to get one". */
export function noPasswordSourceError(detail?: string): KeywardError {
  return new KeywardError(
    'USAGE',
    `${detail ? `${detail} ` : ''}No master password given and stdin is not a terminal, so keyward cannot prompt. ` +
      `Give it on the first line of stdin with --password-stdin, or in the ${PASSWORD_ENV} environment variable, ` +
      'or run on a terminal to be prompted.',
  );
}

/**
 * Reads stdin up to `count` lines (or its end) and returns the lines without their line ends.
 * Stops reading as soon as it has them, so a long-lived pipe does not keep the command waiting.
 */
export async function readStdinLines(stdin: NodeJS.ReadableStream, count: number): Promise<string[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  let newlines = 0;
  for await (const chunk of stdin) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), 'utf8');
    chunks.push(bytes);
    size += bytes.length;
    for (const byte of bytes) {
      if (byte === 0x0a) {
        newlines += 1;
      }
    }
    if (newlines >= count) {
      break;
    }
    if (size > MAX_STDIN_BYTES) {
      throw new KeywardError('USAGE', `--password-stdin: stdin is longer than ${MAX_STDIN_BYTES} bytes.`);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text
    .split('\n')
    .slice(0, count)
    .map((line) => line.replace(/\r$/, ''));
}

/**
 * Resolves the passwords a command needs, in this order: `--password-stdin`, the environment,
 * a no-echo prompt on a terminal. With none of them, a usage error that names all three.
 * Reads stdin at most once; passwords are never written anywhere.
 */
export class PasswordSource {
  private readonly inputs: PasswordInputs;
  private stdinLines: Promise<string[]> | undefined;

  constructor(inputs: PasswordInputs) {
    this.inputs = inputs;
  }

  /** True when a password was given without a prompt (`--password-stdin` or `KEYWARD_PASSWORD`). */
  get supplied(): boolean {
    return this.inputs.passwordStdin || this.fromEnv(PASSWORD_ENV) !== null;
  }

  /** True with `--password-stdin`: stdin carries the password, so nothing else can be read from it. */
  get readsStdin(): boolean {
    return this.inputs.passwordStdin;
  }

  /** True when the user can be prompted (a terminal, and stdin is not carrying passwords). */
  get canPrompt(): boolean {
    return this.inputs.isTTY && !this.inputs.passwordStdin;
  }

  /** The master password of an existing vault. `detail` prefixes the no-source error. */
  current(detail?: string): Promise<string> {
    return this.suppliedOr(() => this.inputs.prompt('Master password: '), detail);
  }

  /** The master password for a new vault; a prompt asks twice and compares. */
  forNewVault(): Promise<string> {
    return this.suppliedOr(() => this.promptTwice('New master password: '));
  }

  /**
   * The current and the new master password for `passwd`. Current: as {@link current}. New: line 2
   * of stdin with `--password-stdin`, else `KEYWARD_NEW_PASSWORD`, else a prompt asked twice.
   */
  async forChange(): Promise<{ current: string; next: string }> {
    if (this.inputs.passwordStdin) {
      await this.readStdin(2); // both lines at once: stdin is read only once
    }
    const current = await this.current();
    if (this.inputs.passwordStdin) {
      const second = (await this.readStdin(2))[1];
      if (second !== undefined && second !== '') {
        return { current, next: second };
      }
    }
    const fromEnv = this.fromEnv(NEW_PASSWORD_ENV);
    if (fromEnv !== null) {
      return { current, next: fromEnv };
    }
    if (this.canPrompt) {
      return { current, next: await this.promptTwice('New master password: ') };
    }
    throw new KeywardError(
      'USAGE',
      'No new master password given: put it on line 2 of stdin with --password-stdin, ' +
        `or in the ${NEW_PASSWORD_ENV} environment variable, or run on a terminal to be prompted.`,
    );
  }

  /** Line 1 of stdin with `--password-stdin`, else `KEYWARD_PASSWORD`, else `ask` on a terminal. */
  private async suppliedOr(ask: () => Promise<string>, detail?: string): Promise<string> {
    if (this.inputs.passwordStdin) {
      return this.requiredStdinLine(0, 1);
    }
    const fromEnv = this.fromEnv(PASSWORD_ENV);
    if (fromEnv !== null) {
      return fromEnv;
    }
    if (this.canPrompt) {
      return ask();
    }
    throw noPasswordSourceError(detail);
  }

  private fromEnv(name: string): string | null {
    const value = this.inputs.env[name];
    return value === undefined || value === '' ? null : value;
  }

  private readStdin(count: number): Promise<string[]> {
    this.stdinLines ??= readStdinLines(this.inputs.stdin, count);
    return this.stdinLines;
  }

  private async requiredStdinLine(index: number, count: number): Promise<string> {
    const line = (await this.readStdin(count))[index];
    if (line === undefined || line === '') {
      throw new KeywardError(
        'USAGE',
        `--password-stdin: line ${index + 1} of stdin is empty; it must hold the master password.`,
      );
    }
    return line;
  }

  private async promptTwice(question: string): Promise<string> {
    const first = await this.inputs.prompt(question);
    const second = await this.inputs.prompt('Repeat it: ');
    if (first !== second) {
      throw new KeywardError('USAGE', 'The two passwords differ; nothing was changed.');
    }
    return first;
  }
}

/**
 * A no-echo prompt on a terminal: the question goes to `output` (stderr, so stdout stays clean for
 * `--json`), the typed characters are swallowed. Ctrl-C or end of input cancels with a usage error.
 */
export function createTerminalPrompt(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): PromptFunction {
  // node:readline and node:stream are loaded by the first prompt, not by every start of the CLI.
  return async (question) => {
    const [{ createInterface }, { Writable }] = await Promise.all([
      import('node:readline'),
      import('node:stream'),
    ]);
    return new Promise((resolve, reject) => {
      const muted = new Writable({
        write(_chunk, _encoding, callback) {
          callback();
        },
      });
      const rl = createInterface({ input, output: muted, terminal: true });
      let settled = false;
      const finish = (action: () => void): void => {
        if (!settled) {
          settled = true;
          output.write('\n');
          action();
        }
        rl.close();
      };
      output.write(question);
      rl.on('line', (line) => finish(() => resolve(line)));
      rl.on('SIGINT', () =>
        finish(() => reject(new KeywardError('USAGE', 'Cancelled at the password prompt.'))),
      );
      rl.on('close', () =>
        finish(() => reject(new KeywardError('USAGE', 'No password entered (end of input).'))),
      );
    });
  };
}
