import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CliClipboard, CliDependencies } from '../../../electron/cli/cli-context.ts';
import { runCli } from '../../../electron/cli/program.ts';
import { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { makeTempDir, MemoryKeychain } from '../../support/temp-vault.ts';

/** Argon2id tuned down (allowWeakKdf) so in-process runs stay fast; the spawned tests use the real one. */
export const WEAK_KDF = { memoryKiB: 1024, iterations: 1, parallelism: 1 };

/** What one in-process run did. */
export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The prompts shown, in order. */
  questions: string[];
}

/** Options for one run. `answer` gets each prompt and what stdout held when it was asked. */
export interface InProcessOptions {
  env?: NodeJS.ProcessEnv;
  isTTY?: boolean;
  stdoutIsTTY?: boolean;
  stdin?: string;
  answer?: (question: string, stdoutSoFar: string) => string | undefined;
}

/** What `keys copy` handed to the fake clipboard. */
export interface FakeCopy {
  text: string;
  clearAfterSeconds: number | null;
}

/**
 * The whole CLI in-process (program.ts's runCli) on one temp vault, a fake clock and a memory
 * keychain shared by every run, so that tests can move time between commands and see what the
 * scheduler's catch-up does, and a fake clipboard that records what was copied.
 */
export class InProcessCli {
  readonly clock = new FakeClock();
  readonly keychain = new MemoryKeychain();
  readonly dir: string;
  readonly vault: string;
  readonly copies: FakeCopy[] = [];
  /** Set to make the next copies fail like a session without a clipboard. */
  clipboardAvailable = true;
  private readonly cleanup: () => void;

  constructor() {
    const { dir, cleanup } = makeTempDir('keyward-cli-inproc-');
    this.dir = dir;
    this.cleanup = cleanup;
    this.vault = join(dir, 'keyward.vault');
  }

  /** An engine on this test's clock and keychain, as main.ts would build one. */
  openEngine(path: string): KeywardEngine {
    return new KeywardEngine({
      path,
      clock: this.clock,
      keychain: this.keychain,
      actor: 'tester@cli',
      kdfTuning: WEAK_KDF,
      allowWeakKdf: true,
    });
  }

  /** Runs `keyward --vault <vault> ARGV` (another --vault later in argv wins, as on a command line). */
  async run(argv: readonly string[], options: InProcessOptions = {}): Promise<InProcessRun> {
    let stdout = '';
    let stderr = '';
    const questions: string[] = [];
    const clipboard: CliClipboard = {
      check: () =>
        this.clipboardAvailable
          ? Promise.resolve()
          : Promise.reject(new KeywardError('INVALID_STATE', 'No clipboard is available: test.')),
      copy: (text, { clearAfterSeconds }) => {
        this.copies.push({ text, clearAfterSeconds });
        return Promise.resolve({
          targets: ['clipboard'],
          clearAt: clearAfterSeconds === null ? null : this.clock.now() + clearAfterSeconds * 1000,
          clipboard: 'fake clipboard',
        });
      },
    };
    const deps: CliDependencies = {
      argv: ['--vault', this.vault, ...argv],
      env: { ...options.env },
      stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      isTTY: options.isTTY ?? false,
      stdoutIsTTY: options.stdoutIsTTY ?? false,
      openEngine: (path) => this.openEngine(path),
      now: () => this.clock.now(),
      prompt: (question) => {
        questions.push(question);
        const answer = options.answer?.(question, stdout);
        return answer === undefined
          ? Promise.reject(new KeywardError('USAGE', 'No password entered (end of input).'))
          : Promise.resolve(answer);
      },
      clipboard,
    };
    const code = await runCli(deps);
    return { code, stdout, stderr, questions };
  }

  /** Runs and parses stdout as the one JSON object `--json` prints; throws with stderr otherwise. */
  async json(argv: readonly string[], options: InProcessOptions = {}): Promise<Record<string, unknown>> {
    const result = await this.run([...argv, '--json'], options);
    if (result.code !== 0) {
      throw new Error(`keyward ${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
    }
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  dispose(): void {
    this.cleanup();
  }
}
