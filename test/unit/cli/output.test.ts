import { describe, expect, it } from 'vitest';
import { KeywardError, ERROR_CODES } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import { EXIT_CODES, exitCodeFor } from '../../../electron/cli/exit-codes.ts';
import { CliOutput } from '../../../electron/cli/output.ts';

function capture(json: boolean, debug = false) {
  let stdout = '';
  let stderr = '';
  const output = new CliOutput({
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    json,
    debug,
  });
  return { output, stdout: () => stdout, stderr: () => stderr };
}

describe('exit codes', () => {
  it('gives every error class its own code, distinct from success', () => {
    const codes = Object.values(EXIT_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect(exitCodeFor(new KeywardError(code, 'x').errorClass)).toBeGreaterThan(0);
    }
  });
});

describe('CliOutput', () => {
  it('prints an error as one line, or one JSON object with the retry-after in seconds', () => {
    const error = new KeywardError('LOCKED_OUT', 'Too many failed unlock attempts;\ntry again in 4 s.', {
      retryAfterMs: 3200,
    });
    const text = capture(false);
    expect(text.output.fail(error)).toBe(3);
    expect(text.stderr()).toBe('keyward: Too many failed unlock attempts; try again in 4 s.\n');
    const json = capture(true);
    expect(json.output.fail(error)).toBe(3);
    expect(JSON.parse(json.stderr())).toEqual({
      error: {
        code: 'LOCKED_OUT',
        message: 'Too many failed unlock attempts; try again in 4 s.',
        retryAfterMs: 3200,
        retryAfterSeconds: 4,
      },
    });
  });

  it('hides an unexpected error behind a generic message unless debugging', () => {
    const secretish = new Error('SQLITE_ERROR near "x\'00ff…\'"');
    const plain = capture(false);
    expect(plain.output.fail(secretish)).toBe(1);
    expect(plain.stderr()).not.toContain('SQLITE');
    const debug = capture(false, true);
    debug.output.fail(secretish);
    expect(debug.stderr()).toContain('[KEYWARD_DEBUG] Error: SQLITE_ERROR');
  });

  it('prints results as text lines or one JSON line', () => {
    const text = capture(false);
    text.output.result({ json: { a: 1 }, lines: ['one', 'two'] });
    expect(text.stdout()).toBe('one\ntwo\n');
    const json = capture(true);
    json.output.result({ json: { a: 1 }, lines: ['one'] });
    expect(json.stdout()).toBe('{"a":1}\n');
  });
});
