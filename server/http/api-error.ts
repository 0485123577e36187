import type { FastifyReply } from 'fastify';

/** The error codes of the server's API beyond the verification refusal codes. */
export type ApiErrorCode =
  | 'RATE_LIMITED'
  | 'NOT_READY'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
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
