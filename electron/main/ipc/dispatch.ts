// Pure: no `electron` import, so the same dispatch main registers is unit-tested under Node and is
// what the browser test harness calls (docs/architecture.md).
import { describeIssue } from '../../../shared/domain/issue-message.ts';
import { contract } from '../../../shared/ipc/contract.ts';
import type { Channel, Input, IpcResult, Output } from '../../../shared/ipc/contract.ts';
import { toErrorPayload } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import { newErrorId, noopLogger } from '../../../shared/log/logger.ts';
import type { Logger } from '../../../shared/log/logger.ts';
import { quoteSafely } from '../../../shared/keys/redact.ts';
import { isSameOrigin } from '../navigation-policy.ts';

/** One handler per channel: a missing or wrongly typed handler is a compile error. */
export type Handlers = { [C in Channel]: (input: Input<C>) => Promise<Output<C>> };

/** Who sent an IPC call, as main sees it. */
export interface IpcSender {
  /** `event.senderFrame.url`. */
  url: string;
  /** Whether the sending frame is its page's main frame. */
  isMainFrame: boolean;
  /** Whether the sending webContents is our main window's. */
  isOurWindow: boolean;
}

/** The dispatch function main registers for every channel. */
export type Dispatch = (channel: unknown, payload: unknown, sender: IpcSender) => Promise<IpcResult<unknown>>;

/** The usual trust rule: our window's main frame, on the app's origin. */
export function trustedSenderFor(origin: string): (sender: IpcSender) => boolean {
  return (sender) => sender.isOurWindow && sender.isMainFrame && isSameOrigin(sender.url, origin);
}

function fail(code: ErrorCode, message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}

/**
 * What the user is shown for an internal error: no detail (it may hold anything), but an id that is
 * also in the log record with the details, so a report can be matched to it.
 */
export function internalErrorMessage(
  errorId: string,
  what = 'An unexpected internal error occurred.',
): string {
  return `${what} Error id ${errorId}: the details are in Keyward's log.`;
}

function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(contract, value);
}

/**
 * Where an issue is, as `a.b[0]`-style text (never the value). A record key is user input (it
 * could be a pasted key): masked before it is cut, like every message text below.
 */
function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'input' : path.map((part) => quoteSafely(String(part), 40)).join('.');
}

/**
 * Builds the dispatch: checks the sender, the channel and the input, calls the handler, checks its
 * output against the contract (a field the contract lacks — `material`, say — fails instead of
 * crossing), and turns anything thrown into a `{ code, message }` via `toErrorPayload`. An internal
 * error (anything but a `KeywardError`, an `INTERNAL` one, or an output that breaks the contract) is
 * logged with a fresh error id, and its message carries that id.
 */
export function createDispatch(options: {
  handlers: Handlers;
  isTrustedSender: (sender: IpcSender) => boolean;
  /** Validate outputs (default true). Cheap next to the work behind them; keep it on. */
  validateOutput?: boolean;
  /** Where internal errors are recorded (default: nowhere). */
  logger?: Logger;
}): Dispatch {
  const { handlers, isTrustedSender } = options;
  const logger = options.logger ?? noopLogger;
  const validateOutput = options.validateOutput ?? true;
  return async (channel, payload, sender) => {
    try {
      if (!isTrustedSender(sender)) {
        return fail('UNTRUSTED_SENDER', 'IPC is accepted only from the app window.');
      }
      if (!isChannel(channel)) {
        return fail('USAGE', 'Unknown IPC channel.');
      }
      const entry = contract[channel];
      const parsed = entry.input.safeParse(payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        // The field once: "name must be at most 100 characters", not "integration.name: name must…".
        const message =
          issue === undefined
            ? 'input: is invalid'
            : describeIssue({
                path: issuePath(issue.path).split('.'),
                message: quoteSafely(issue.message, 200),
              });
        return fail('INVALID_INPUT', `${channel}: ${message}`);
      }
      const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      if (!validateOutput) {
        return { ok: true, value };
      }
      const checked = entry.output.safeParse(value);
      if (!checked.success) {
        const errorId = newErrorId();
        const issues = checked.error.issues
          .slice(0, 5)
          .map((issue) => `${issuePath(issue.path)}: ${issue.code}`);
        logger.error('IPC output does not match the contract', { errorId, channel, issues });
        return fail(
          'INTERNAL',
          internalErrorMessage(errorId, `${channel} produced a result that does not match the IPC contract.`),
        );
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      const payload = toErrorPayload(error);
      const { code, retryAfterMs } = payload;
      let message = quoteSafely(payload.message, 500);
      if (code === 'INTERNAL') {
        const errorId = newErrorId();
        logger.error('IPC call failed with an internal error', {
          errorId,
          channel: isChannel(channel) ? channel : '(unknown)',
          error,
        });
        message = internalErrorMessage(errorId, message);
      } else {
        logger.debug('IPC call refused', { channel: isChannel(channel) ? channel : '(unknown)', code });
      }
      // Backoff travels with the error, so the unlock screen can say how long to wait.
      return {
        ok: false,
        error: retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs },
      };
    }
  };
}
