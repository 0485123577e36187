import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBodySchema } from './api-error.ts';
import type { ServerContext } from './context.ts';
import { VerifyResponder } from './verify-answer.ts';

/** JSON schema of a 200 from `/v1/verify`. */
const verifiedSchema = {
  description: 'The credential is accepted now, from this client IP',
  type: 'object',
  required: ['integrationId', 'integrationName', 'keyId', 'status', 'expiresAt', 'graceEndsAt'],
  properties: {
    integrationId: { type: 'string' },
    integrationName: { type: 'string' },
    keyId: { type: 'string' },
    status: { type: 'string', enum: ['active', 'grace'] },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    graceEndsAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/**
 * `GET|POST /v1/verify`: what a gateway calls (nginx `auth_request`, Caddy `forward_auth`). The hot
 * path reads only memory: the index, the limiters, and a buffered request log. The decision and the
 * answer are {@link VerifyResponder}'s; a running server answers most verifications before Fastify
 * routes them (`fast-verify.ts`), and this route answers the rest (a POST with a body, `inject`,
 * request logging on) the same way.
 */
export function registerVerifyRoutes(app: FastifyInstance, context: ServerContext): void {
  const responder = new VerifyResponder(context);

  const handler = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const answer = responder.answer(request.socket.remoteAddress, request.headers);
    const headers: Record<string, string> = {};
    for (let index = 0; index < answer.headers.length; index += 2) {
      headers[answer.headers[index] as string] = answer.headers[index + 1] as string;
    }
    return reply.code(answer.status).headers(headers).send(answer.body);
  };

  const schema = {
    summary: 'Is this API key or Secret accepted now?',
    description:
      'The credential goes in `Authorization: Bearer <API key or Secret>` or `X-API-Key`. The facts of an ' +
      'accepted key are also sent as X-Keyward-* headers. Every error carries X-Keyward-Code.',
    tags: ['verify'],
    security: [{ bearer: [] }, { apiKey: [] }],
    response: {
      200: verifiedSchema,
      401: {
        ...errorBodySchema,
        description:
          'KEY_UNKNOWN, KEY_EXPIRED, KEY_REVOKED, SECRET_EXPIRED, SECRET_REQUIRED, BAD_SIGNATURE or KEY_MALFORMED',
      },
      403: { ...errorBodySchema, description: 'IP_NOT_ALLOWED or API_DISABLED' },
      429: {
        ...errorBodySchema,
        description: 'RATE_LIMITED, with Retry-After, RateLimit and RateLimit-Policy',
      },
      503: { ...errorBodySchema, description: 'NOT_READY: the index is loading' },
    },
  };

  // The body of a POST is never read: the credential is in the headers. Any content type is taken.
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 65_536 }, (_request, _body, next) => {
      next(null, undefined);
    });
    scope.get('/v1/verify', { schema }, handler);
    scope.post('/v1/verify', { schema }, handler);
    done();
  });
}
