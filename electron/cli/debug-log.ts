// `KEYWARD_DEBUG=1`: the CLI's diagnostics, through the same logger port (and so the same
// redaction) as the desktop app's log file, written to stderr instead of a file.
import { createLogger, noopLogger } from '../../shared/log/logger.ts';
import type { Logger, LogRecord, LogSink, LogValue } from '../../shared/log/logger.ts';

/** The prefix of every debug line on stderr. */
export const DEBUG_PREFIX = '[KEYWARD_DEBUG]';

/** Somewhere text goes (`process.stderr`, or a test's buffer). */
interface TextSink {
  write(text: string): unknown;
}

function isRecord(value: LogValue | undefined): value is { [key: string]: LogValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: LogValue | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

/** An error field as readable lines: its stack frames, its code, then each cause in turn. */
function errorLines(error: { [key: string]: LogValue }, indent: string): string[] {
  const lines: string[] = [];
  if (typeof error['code'] === 'string' || typeof error['code'] === 'number') {
    lines.push(`${indent}  code: ${error['code']}`);
  }
  if (typeof error['stack'] === 'string') {
    // The stack's first line repeats the message the record already shows: keep only the frames.
    const frames = error['stack'].split('\n').filter((line) => /^\s+at /.test(line));
    lines.push(...frames.map((line) => `${indent}    ${line.trim()}`));
  }
  const cause = error['cause'];
  if (isRecord(cause)) {
    lines.push(
      `${indent}  cause: ${text(cause['name'])}: ${text(cause['message'])}`,
      ...errorLines(cause, `${indent}  `),
    );
  } else if (cause !== undefined) {
    lines.push(`${indent}  cause: ${JSON.stringify(cause)}`);
  }
  return lines;
}

/**
 * Writes records for people reading a terminal: `[KEYWARD_DEBUG] <message> {fields}`, then an error
 * field's stack frames and causes, indented. The records are already redacted by the logger.
 */
export class StderrLogSink implements LogSink {
  private readonly stderr: TextSink;

  constructor(stderr: TextSink) {
    this.stderr = stderr;
  }

  write(record: LogRecord): void {
    const { error, ...rest } = record.fields;
    const level = record.level === 'error' || record.level === 'debug' ? '' : `${record.level}: `;
    const fields = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
    const lines = [`${DEBUG_PREFIX} ${level}${record.message}${fields}`];
    if (isRecord(error)) {
      lines.push(...errorLines(error, ''));
    } else if (error !== undefined) {
      lines.push(`  error: ${JSON.stringify(error)}`);
    }
    this.stderr.write(`${lines.join('\n')}\n`);
  }
}

/** A debug logger to `stderr` when `KEYWARD_DEBUG=1`, else one that writes nothing. */
export function cliDebugLogger(env: NodeJS.ProcessEnv, stderr: TextSink): Logger {
  return env['KEYWARD_DEBUG'] === '1'
    ? createLogger({ sink: new StderrLogSink(stderr), level: 'debug' })
    : noopLogger;
}

/** What the debug record of a thrown value says first: `Name: message` for an error. */
export function errorSummary(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  return `thrown: ${typeof error === 'string' ? error : typeof error}`;
}
