import { describe, expect, it } from 'vitest';
import { KeywardError, ERROR_CODES } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import { EXIT_CODES, exitCodeFor } from '../../../electron/cli/exit-codes.ts';
import { CliOutput } from '../../../electron/cli/output.ts';
import { cliDebugLogger } from '../../../electron/cli/debug-log.ts';

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

  it('KEYWARD_DEBUG details go through the redacting logger: stack and causes, never a key or JWT', () => {
    const material = `kw_${'Q'.repeat(49)}`;
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJpMSJ9.c2lnbmF0dXJl';
    const cause = Object.assign(new Error(`parsing ${jwt}`), { code: 'ERR_BAD' });
    const error = new Error(`could not store ${material}`, { cause });
    const debug = capture(false, true);
    expect(debug.output.fail(error)).toBe(1);
    const text = debug.stderr();
    expect(text).toContain('[KEYWARD_DEBUG] Error: could not store kw_QQQQQ…');
    expect(text).toMatch(/\n {4}at .+output\.test\.ts:\d+:\d+/); // the stack frames
    expect(text).toContain('cause: Error: parsing eyJ…');
    expect(text).toContain('code: ERR_BAD');
    expect(text).not.toContain(material);
    expect(text).not.toContain(jwt);
  });

  it('the CLI debug logger writes nothing unless KEYWARD_DEBUG=1', () => {
    let stderr = '';
    const sink = { write: (text: string) => (stderr += text) };
    cliDebugLogger({}, sink).error('hidden', { a: 1 });
    cliDebugLogger({ KEYWARD_DEBUG: '0' }, sink).error('hidden');
    expect(stderr).toBe('');
    cliDebugLogger({ KEYWARD_DEBUG: '1' }, sink).warn('could not write the schedule file', { path: '/v' });
    expect(stderr).toBe('[KEYWARD_DEBUG] warn: could not write the schedule file {"path":"/v"}\n');
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
