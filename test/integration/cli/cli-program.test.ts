import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { KeywardError } from '../../../shared/errors.ts';
import { runCli } from '../../../electron/cli/program.ts';
import type { CliDependencies } from '../../../electron/cli/cli-context.ts';
import { KeywardEngine } from '../../../electron/vault/keyward-engine.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { makeTempDir, MemoryKeychain } from '../../support/temp-vault.ts';
import { DOCUMENTED_EXIT_CODES, hasStackTrace } from './cli-harness.ts';

// The whole program in-process (program.ts with injected streams, prompt and vault factory): the
// terminal prompt paths, and a fuzz of argv. Argon2id is tuned down here (allowWeakKdf) for speed;
// the spawned tests beside this file use the real parameters.
const WEAK_KDF = { memoryKiB: 1024, iterations: 1, parallelism: 1 };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

interface InProcess {
  deps: CliDependencies;
  stdout: () => string;
  stderr: () => string;
  questions: string[];
}

function tempDir(): string {
  const { dir, cleanup } = makeTempDir('keyward-cli-inproc-');
  cleanups.push(cleanup);
  return dir;
}

/** An engine factory on a memory keychain and a fake clock; with `fixedPath`, every engine opens that vault. */
function vaultFactory(fixedPath?: string, clock = new FakeClock()): (path: string) => KeywardEngine {
  const keychain = new MemoryKeychain();
  return (path) =>
    new KeywardEngine({
      path: fixedPath ?? path,
      clock,
      keychain,
      actor: 'tester@cli',
      kdfTuning: WEAK_KDF,
      allowWeakKdf: true,
    });
}

function inProcess(options: {
  argv: string[];
  answers?: string[];
  isTTY?: boolean;
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  openVault: (path: string) => KeywardEngine;
}): InProcess {
  let out = '';
  let err = '';
  const questions: string[] = [];
  const answers = [...(options.answers ?? [])];
  return {
    deps: {
      argv: options.argv,
      env: { KEYWARD_VAULT: '/nonexistent/keyward-test.vault', ...options.env },
      stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
      stdout: { write: (text: string) => (out += text) },
      stderr: { write: (text: string) => (err += text) },
      isTTY: options.isTTY ?? false,
      stdoutIsTTY: false,
      openEngine: options.openVault,
      now: () => Date.now(),
      clipboard: {
        check: () => Promise.reject(new KeywardError('INVALID_STATE', 'No clipboard in this test.')),
        copy: () => Promise.reject(new KeywardError('INVALID_STATE', 'No clipboard in this test.')),
      },
      prompt: (question) => {
        questions.push(question);
        const answer = answers.shift();
        return answer === undefined
          ? Promise.reject(new KeywardError('USAGE', 'No password entered (end of input).'))
          : Promise.resolve(answer);
      },
    },
    stdout: () => out,
    stderr: () => err,
    questions,
  };
}

describe('on a terminal', () => {
  it('init asks for the new password twice; different answers create nothing (exit 2)', async () => {
    const vault = join(tempDir(), 'keyward.vault');
    const openVault = vaultFactory();
    const differ = inProcess({
      argv: ['--vault', vault, 'init'],
      isTTY: true,
      answers: ['first password', 'second password'],
      openVault,
    });
    expect(await runCli(differ.deps)).toBe(2);
    expect(differ.questions).toEqual(['New master password: ', 'Repeat it: ']);
    expect(differ.stderr()).toBe('keyward: The two passwords differ; nothing was changed.\n');
    expect(existsSync(vault)).toBe(false);

    const same = inProcess({
      argv: ['--vault', vault, 'init'],
      isTTY: true,
      answers: ['first password', 'first password'],
      openVault,
    });
    expect(await runCli(same.deps)).toBe(0);
    expect(same.stdout()).toMatch(/^Created a vault at /);
    expect(same.stdout() + same.stderr()).not.toContain('first password');

    const unlock = inProcess({
      argv: ['--vault', vault, 'unlock'],
      isTTY: true,
      answers: ['first password'],
      openVault,
    });
    expect(await runCli(unlock.deps)).toBe(0);
    expect(unlock.questions).toEqual(['Master password: ']);
  });

  it('passwd asks for the current password, then the new one twice', async () => {
    const vault = join(tempDir(), 'keyward.vault');
    const openVault = vaultFactory();
    const env = { KEYWARD_PASSWORD: 'first password' };
    expect(await runCli(inProcess({ argv: ['--vault', vault, 'init'], env, openVault }).deps)).toBe(0);

    const change = inProcess({
      argv: ['--vault', vault, 'passwd'],
      isTTY: true,
      answers: ['first password', 'second password', 'second password'],
      openVault,
    });
    expect(await runCli(change.deps)).toBe(0);
    expect(change.questions).toEqual(['Master password: ', 'New master password: ', 'Repeat it: ']);

    const old = inProcess({ argv: ['--vault', vault, '--json', 'unlock'], env, openVault });
    expect(await runCli(old.deps)).toBe(3);
    expect(JSON.parse(old.stderr())).toMatchObject({ error: { code: 'WRONG_PASSWORD' } });
  });

  it('--password-stdin wins over the prompt, and an empty line is a usage error', async () => {
    const vault = join(tempDir(), 'keyward.vault');
    const openVault = vaultFactory();
    const empty = inProcess({ argv: ['--vault', vault, 'init', '--password-stdin'], stdin: '\n', openVault });
    expect(await runCli(empty.deps)).toBe(2);
    expect(empty.stderr()).toMatch(/^keyward: --password-stdin: line 1 of stdin is empty/);
    const made = inProcess({
      argv: ['--vault', vault, 'init', '--password-stdin'],
      stdin: 'from stdin 1\nignored\n',
      isTTY: true,
      openVault,
    });
    expect(await runCli(made.deps)).toBe(0);
    expect(made.questions).toEqual([]);
  });
});

describe('fuzzed arguments', () => {
  const PASSWORDS = ['fuzz password one', 'fuzz password two'];
  const password = fc.oneof(fc.constantFrom(...PASSWORDS), fc.string({ maxLength: 12 }));
  const anyToken = fc.oneof(
    fc.constantFrom(
      'init',
      'unlock',
      'lock',
      'status',
      'passwd',
      'help',
      '--json',
      '--vault',
      '--help',
      '--',
      '-',
      '',
    ),
    fc.string({ maxLength: 12 }),
    fc.string({ maxLength: 6 }).map((text) => `--${text}`),
  );
  const globalOption = fc.constantFrom(
    ['--json'],
    ['--utc'],
    ['--password-stdin'],
    ['--vault', 'other.vault'],
  );
  const commandOption = fc.constantFrom(
    ['--remember'],
    ['--json'],
    ['--password-stdin'],
    ['--utc'],
    ['--help'],
  );
  /** Mostly well-formed command lines (so the commands really run), sometimes any tokens at all. */
  const argvArbitrary = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.array(globalOption, { maxLength: 2 }),
          fc.constantFrom('init', 'unlock', 'lock', 'status', 'passwd'),
          fc.array(commandOption, { maxLength: 2 }),
          fc.oneof({ weight: 6, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.tuple(anyToken) }),
        )
        .map(([globals, command, options, extra]) => [
          ...globals.flat(),
          command,
          ...options.flat(),
          ...extra,
        ]),
    },
    { weight: 1, arbitrary: fc.array(anyToken, { maxLength: 6 }) },
  );

  it('every argv ends with a documented exit code and a typed message, never a crash or a stack', async () => {
    // One vault for the whole run, whatever --vault says, so that the commands build on each other.
    const clock = new FakeClock();
    const openVault = vaultFactory(join(tempDir(), 'fuzz.vault'), clock);
    await fc.assert(
      fc.asyncProperty(
        argvArbitrary,
        fc.option(fc.array(password, { minLength: 1, maxLength: 2 }).map((lines) => `${lines.join('\n')}\n`)),
        fc.option(password),
        fc.option(password),
        fc.boolean(),
        fc.array(password, { maxLength: 3 }),
        async (argv, stdin, envPassword, envNewPassword, isTTY, answers) => {
          clock.advance(60 * 60 * 1000); // past any backoff, so later runs are not all LOCKED_OUT
          const env: NodeJS.ProcessEnv = {};
          if (envPassword !== null) {
            env['KEYWARD_PASSWORD'] = envPassword;
          }
          if (envNewPassword !== null) {
            env['KEYWARD_NEW_PASSWORD'] = envNewPassword;
          }
          const run = inProcess({
            argv,
            isTTY,
            answers,
            openVault,
            env,
            ...(stdin === null ? {} : { stdin }),
          });
          const code = await runCli(run.deps);
          expect(DOCUMENTED_EXIT_CODES).toContain(code);
          expect(code).not.toBe(1); // nothing here should be an unexpected internal error
          const stdout = run.stdout();
          const stderr = run.stderr();
          expect(hasStackTrace(stderr + stdout)).toBe(false);
          for (const secret of [...PASSWORDS, envPassword, envNewPassword, ...answers]) {
            if (secret !== null && secret.length >= 8) {
              expect(stdout + stderr).not.toContain(secret);
            }
          }
          if (code !== 0 && !stderr.startsWith('Usage:')) {
            expect(stderr).toMatch(/^(keyward: [^\n]+|\{"error":\{"code":"[A-Z_]+","message":[^\n]+\})\n$/);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
