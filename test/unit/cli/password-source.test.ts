import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KeywardError } from '../../../shared/errors.ts';
import {
  createTerminalPrompt,
  PasswordSource,
  readStdinLines,
} from '../../../electron/cli/password-source.ts';
import type { PasswordInputs } from '../../../electron/cli/password-source.ts';

function source(overrides: Partial<PasswordInputs>): PasswordSource {
  return new PasswordSource({
    passwordStdin: false,
    env: {},
    stdin: Readable.from([]),
    isTTY: false,
    prompt: () => Promise.reject(new Error('no prompt expected')),
    ...overrides,
  });
}

async function errorOf(promise: Promise<unknown>): Promise<KeywardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KeywardError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a KeywardError');
}

describe('readStdinLines', () => {
  it('returns lines without CR/LF, joined across chunks and multi-byte characters', async () => {
    const euro = Buffer.from('€');
    const stdin = Readable.from([
      Buffer.from('pa'),
      euro.subarray(0, 1),
      euro.subarray(1),
      Buffer.from('ss\r\nnext\nmore\n'),
    ]);
    expect(await readStdinLines(stdin, 2)).toEqual(['pa€ss', 'next']);
  });

  it('takes the last line without a newline, and gives fewer lines at end of input', async () => {
    expect(await readStdinLines(Readable.from(['only line']), 2)).toEqual(['only line']);
    expect(await readStdinLines(Readable.from([]), 1)).toEqual(['']);
  });

  it('refuses a stdin far longer than any password', async () => {
    const error = await errorOf(readStdinLines(Readable.from(['x'.repeat(70_000)]), 1));
    expect(error.code).toBe('USAGE');
  });
});

describe('PasswordSource', () => {
  it('prefers --password-stdin, then KEYWARD_PASSWORD, then the prompt', async () => {
    const env = { KEYWARD_PASSWORD: 'from the env' };
    const prompt = () => Promise.resolve('from the prompt');
    expect(
      await source({
        passwordStdin: true,
        stdin: Readable.from(['from stdin\n']),
        env,
        isTTY: true,
        prompt,
      }).current(),
    ).toBe('from stdin');
    expect(await source({ env, isTTY: true, prompt }).current()).toBe('from the env');
    expect(await source({ env: { KEYWARD_PASSWORD: '' }, isTTY: true, prompt }).current()).toBe(
      'from the prompt',
    );
  });

  it('without any source and no terminal: a usage error naming all three sources', async () => {
    const error = await errorOf(source({}).current('Not remembered.'));
    expect(error.code).toBe('USAGE');
    expect(error.message).toMatch(
      /^Not remembered\. No master password given.*--password-stdin.*KEYWARD_PASSWORD.*terminal/,
    );
  });

  it('passwd: line 2 of stdin, else KEYWARD_NEW_PASSWORD, else the prompt twice', async () => {
    const stdin = () => Readable.from(['current one\n', 'new one\n']);
    expect(await source({ passwordStdin: true, stdin: stdin() }).forChange()).toEqual({
      current: 'current one',
      next: 'new one',
    });
    expect(
      await source({
        passwordStdin: true,
        stdin: Readable.from(['current one\n']),
        env: { KEYWARD_NEW_PASSWORD: 'new from env' },
      }).forChange(),
    ).toEqual({ current: 'current one', next: 'new from env' });
    const answers = ['current one', 'new one', 'new one'];
    expect(
      await source({ isTTY: true, prompt: () => Promise.resolve(answers.shift() ?? '') }).forChange(),
    ).toEqual({
      current: 'current one',
      next: 'new one',
    });
  });
});

describe('createTerminalPrompt', () => {
  it('shows the question, does not echo what is typed, and resolves with the line', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    const answer = createTerminalPrompt(input, output)('Master password: ');
    input.write('s3cret pass\n');
    expect(await answer).toBe('s3cret pass');
    expect(shown).toBe('Master password: \n');
  });

  it('end of input cancels with a usage error', async () => {
    const input = new PassThrough();
    const answer = createTerminalPrompt(input, new PassThrough())('Master password: ');
    input.end();
    expect((await errorOf(answer)).code).toBe('USAGE');
  });
});
