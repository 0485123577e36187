/**
 * The logger port: what the engine, IPC dispatch, the Electron shell and the CLI write diagnostics
 * through. Each host chooses where records go (a {@link LogSink}): the desktop app writes rotating
 * files under its data folder, the CLI writes to stderr when `KEYWARD_DEBUG=1`, tests keep them in
 * memory, and by default nothing is written at all ({@link noopLogger}).
 *
 * Every record is redacted here, before any sink sees it, so no sink can forget to:
 * key-shaped text and JWT/JWS-shaped text are masked with the shared pattern
 * (`shared/keys/redact.ts`), long hex runs (a data key as given to `PRAGMA key`) are replaced,
 * bytes are logged by length only, and fields named like secrets are dropped. Redaction happens
 * before truncation, so a cut can never leave part of a key behind.
 */
import { redactKeyMaterial } from '../keys/redact.ts';

/** The levels, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** How severe a record is: `debug` (details for a bug report), `info`, `warn` (worked around), `error`. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured context for a record: ids, codes, counts, an `error` (any thrown value). */
export type LogFields = Readonly<Record<string, unknown>>;

/** A value as it reaches a sink: plain JSON, already redacted. */
export type LogValue = string | number | boolean | null | LogValue[] | { [key: string]: LogValue };

/** One record as a sink receives it: redacted and bounded. */
export interface LogRecord {
  /** When, in epoch milliseconds. */
  at: number;
  level: LogLevel;
  /** What happened, in a few words (redacted like the fields). */
  message: string;
  /** Structured context (redacted); an error becomes `{ name, message, code?, stack?, cause? }`. */
  fields: Record<string, LogValue>;
}

/** Where records go. A sink must not throw; one that does is ignored for that record. */
export interface LogSink {
  write(record: LogRecord): void;
}

/** What code logs through. Calls never throw and never block on I/O failures. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to each record (e.g. `{ component: 'scheduler' }`). */
  child(fields: LogFields): Logger;
}

/** Writes nothing: the default wherever no logger is given. */
export const noopLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => noopLogger,
};

/** Whether `value` names a level. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

/** Longest string kept in a record, after redaction. */
const MAX_STRING = 4000;
/** Deepest nesting kept (deeper values become `"[…]"`). */
const MAX_DEPTH = 5;
/** Most entries kept per array or object. */
const MAX_ENTRIES = 50;
/** Hex runs this long or longer are replaced: a 32-byte data key is 64 hex digits. */
const LONG_HEX = /\b[0-9a-fA-F]{32,}\b/g;
/** Field names whose values are never logged, whatever they hold. */
const SECRET_FIELD =
  /^(password|passphrase|newpassword|currentpassword|oldpassword|pin|material|secret|token|datakey|kek|totpcode)$/i;

/**
 * The redaction every record goes through: key- and token-shaped text masked (the shared pattern),
 * long hex runs replaced by `[hex]`, then cut to a bounded length.
 */
export function redactLogText(text: string): string {
  const redacted = redactKeyMaterial(text).replace(LONG_HEX, '[hex]');
  return redacted.length > MAX_STRING ? `${redacted.slice(0, MAX_STRING)}…` : redacted;
}

function isBytes(value: object): value is ArrayBufferView | ArrayBuffer {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

function describeError(error: Error, depth: number): { [key: string]: LogValue } {
  const out: { [key: string]: LogValue } = {
    name: redactLogText(error.name),
    message: redactLogText(error.message),
  };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') {
    out['code'] = typeof code === 'string' ? redactLogText(code) : code;
  }
  if (typeof error.stack === 'string') {
    out['stack'] = redactLogText(error.stack);
  }
  if (error.cause !== undefined) {
    out['cause'] = toLogValue(error.cause, depth + 1);
  }
  return out;
}

/** Any value as plain, redacted, bounded JSON. Bytes are shown by length only. */
export function toLogValue(value: unknown, depth = 0): LogValue {
  switch (typeof value) {
    case 'string':
      return redactLogText(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return redactLogText(value.toString());
    case 'undefined':
      return null;
    case 'function':
    case 'symbol':
      return `[${typeof value}]`;
    default:
      break;
  }
  if (value === null || typeof value !== 'object') {
    return null;
  }
  if (depth >= MAX_DEPTH) {
    return '[…]';
  }
  if (value instanceof Error) {
    return describeError(value, depth);
  }
  if (isBytes(value)) {
    return `[${value.byteLength} bytes]`;
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ENTRIES).map((item) => toLogValue(item, depth + 1));
    return value.length > MAX_ENTRIES ? [...items, `[${value.length - MAX_ENTRIES} more]`] : items;
  }
  return redactFields(value as Record<string, unknown>, depth);
}

/** Sets an own property, even one named `__proto__` (plain assignment would set the prototype). */
function setOwn(target: Record<string, LogValue>, name: string, value: LogValue): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

function redactFields(fields: Readonly<Record<string, unknown>>, depth: number): { [key: string]: LogValue } {
  const out: { [key: string]: LogValue } = {};
  let count = 0;
  for (const [name, value] of Object.entries(fields)) {
    if (count === MAX_ENTRIES) {
      out['…'] = 'more fields left out';
      break;
    }
    count += 1;
    setOwn(out, redactLogText(name), SECRET_FIELD.test(name) ? '[redacted]' : toLogValue(value, depth + 1));
  }
  return out;
}

/**
 * A logger over `sink`: records below `level` (default `info`) are dropped; the rest are redacted
 * and stamped with `now()` (default `Date.now`, wall time: a log is read against the wall clock).
 */
export function createLogger(options: {
  sink: LogSink;
  level?: LogLevel;
  now?: () => number;
  /** Added to every record. */
  fields?: LogFields;
}): Logger {
  const { sink } = options;
  const min = LOG_LEVELS.indexOf(options.level ?? 'info');
  const now = options.now ?? Date.now;
  const build = (base: LogFields): Logger => {
    const log =
      (level: LogLevel) =>
      (message: string, fields?: LogFields): void => {
        if (LOG_LEVELS.indexOf(level) < min) {
          return;
        }
        try {
          sink.write({
            at: now(),
            level,
            message: redactLogText(message),
            fields: redactFields(fields === undefined ? base : { ...base, ...fields }, 0),
          });
        } catch {
          // Diagnostics must never break what they describe; a sink that fails loses this record.
        }
      };
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (fields) => build({ ...base, ...fields }),
    };
  };
  return build(options.fields ?? {});
}

/** Keeps records in memory (tests, and the e2e harness). */
export class MemoryLogSink implements LogSink {
  readonly records: LogRecord[] = [];

  write(record: LogRecord): void {
    this.records.push(record);
  }
}

/**
 * A fresh id for an unexpected error: shown to the user and written to the log with the details, so
 * a report can be matched to its record. 12 hex digits from `crypto.getRandomValues`.
 */
export function newErrorId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** One record as one line of JSON: `{"time","level","msg",...fields}` (what files and stderr get). */
export function formatLogLine(record: LogRecord): string {
  const time = Number.isFinite(record.at) ? new Date(record.at).toISOString() : String(record.at);
  const line: Record<string, LogValue> = { time, level: record.level, msg: record.message };
  for (const [name, value] of Object.entries(record.fields)) {
    // A field never overwrites the record's own time, level or message.
    setOwn(line, Object.hasOwn(line, name) ? `field.${name}` : name, value);
  }
  return `${JSON.stringify(line)}\n`;
}
