import { KeywardError, toErrorPayload } from '../../shared/errors.ts';
import type { ErrorPayload } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log/logger.ts';
import { cliDebugLogger, errorSummary } from './debug-log.ts';
import { exitCodeFor } from './exit-codes.ts';
import type { ExitCode } from './exit-codes.ts';

/** Somewhere text goes: `process.stdout`/`process.stderr`, or a test's buffer. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * What a command reports on success: one JSON object for `--json`, lines of text otherwise.
 * Neither ever holds a password, nor key material — except where that is the command's purpose
 * (`keys reveal`, and `secret`, whose Secret carries the key).
 */
export interface CommandResult {
  json: Record<string, unknown>;
  lines: string[];
  /**
   * The exit code when the command did its job but the answer is "no" (`keys test` of a refused
   * key: exit 5); the result is still printed on stdout. Default 0.
   */
  exitCode?: ExitCode;
}

/** The `--json` error shape: `{"error":{"code","message"}}`, plus the retry-after when there is one. */
export interface JsonErrorOutput {
  error: ErrorPayload & { retryAfterSeconds?: number };
}

const INTERNAL_MESSAGE =
  'An unexpected internal error occurred. Run again with KEYWARD_DEBUG=1 to see details.';

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * Writes results to stdout and errors to stderr in the chosen form: a single JSON object with
 * `--json`, readable text otherwise. Errors are always one line (`keyward: <message>`); an
 * unexpected error shows a generic message, and its details (redacted, through the logger port) only
 * when `KEYWARD_DEBUG=1`.
 */
export class CliOutput {
  private readonly stdout: TextSink;
  private readonly stderr: TextSink;
  private readonly json: boolean;
  private readonly debug: Logger | null;

  /**
   * `debug`: whether `KEYWARD_DEBUG=1`; the details then go to `logger` (default: the redacting
   * debug logger on `stderr`).
   */
  constructor(options: {
    stdout: TextSink;
    stderr: TextSink;
    json: boolean;
    debug: boolean;
    logger?: Logger;
  }) {
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.json = options.json;
    this.debug = options.debug
      ? (options.logger ?? cliDebugLogger({ KEYWARD_DEBUG: '1' }, options.stderr))
      : null;
  }

  /** Prints a command's result on stdout. */
  result(result: CommandResult): void {
    if (this.json) {
      this.stdout.write(`${JSON.stringify(result.json)}\n`);
    } else {
      this.stdout.write(result.lines.map((line) => `${line}\n`).join(''));
    }
  }

  /** Prints an error on stderr and returns the exit code for its class. */
  fail(error: unknown): ExitCode {
    const known = error instanceof KeywardError;
    const payload: ErrorPayload = known
      ? { ...toErrorPayload(error), message: oneLine(error.message) }
      : { code: 'INTERNAL', message: INTERNAL_MESSAGE };
    if (this.json) {
      const body: JsonErrorOutput = { error: payload };
      if (payload.retryAfterMs !== undefined) {
        body.error.retryAfterSeconds = Math.ceil(payload.retryAfterMs / 1000);
      }
      this.stderr.write(`${JSON.stringify(body)}\n`);
    } else {
      this.stderr.write(`keyward: ${payload.message}\n`);
    }
    if (this.debug !== null) {
      // The stack and the chain of causes, redacted; only with KEYWARD_DEBUG=1, never by default.
      this.debug.error(errorSummary(error), { error });
    }
    return known ? exitCodeFor(error.errorClass) : exitCodeFor('internal');
  }
}
