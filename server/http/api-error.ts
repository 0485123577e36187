import type { FastifyReply } from 'fastify';

/** The error codes of the server's API beyond the verification refusal codes. */
export type ApiErrorCode =
  | 'RATE_LIMITED'
  | 'NOT_READY'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'HEADERS_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'ENROLMENT_CODE_INVALID'
  | 'REVISION_CONFLICT'
  | 'STORAGE_UNAVAILABLE'
  | 'INTERNAL';

/** JSON schema of every error body: `{"error":{"code","message"}}`. */
export const errorBodySchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

/** Sends the one error shape, with the code in `X-Keyward-Code` too. Messages never hold a credential. */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): FastifyReply {
  return reply
    .code(status)
    .headers({ ...headers, 'x-keyward-code': code, 'content-type': 'application/json; charset=utf-8' })
    .send(JSON.stringify({ error: { code, message } }));
}

/** Thrown by handlers to answer with an error: caught by the app's error handler. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** The errors met before any route: the request is not HTTP we can read. */
const CLIENT_ERRORS: Readonly<Record<number, { reason: string; code: ApiErrorCode; message: string }>> = {
  400: { reason: 'Bad Request', code: 'INVALID_INPUT', message: 'the request is not valid HTTP/1.1' },
  408: { reason: 'Request Timeout', code: 'REQUEST_TIMEOUT', message: 'the request did not arrive in time' },
  431: {
    reason: 'Request Header Fields Too Large',
    code: 'HEADERS_TOO_LARGE',
    message: 'the request headers are too large',
  },
};

/**
 * The whole answer (status line, headers, body) to a request that cannot be parsed (400), timed
 * out (408) or has too large a head (431): written straight on the socket, which then closes —
 * in the one error shape too, `{"error":{"code","message"}}` and `X-Keyward-Code`.
 */
export function clientErrorAnswer(status: 400 | 408 | 431): string {
  const { reason, code, message } = CLIENT_ERRORS[status] as (typeof CLIENT_ERRORS)[400];
  const body = JSON.stringify({ error: { code, message } });
  return (
    `HTTP/1.1 ${status} ${reason}\r\nx-keyward-code: ${code}\r\ncontent-type: application/json; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}
