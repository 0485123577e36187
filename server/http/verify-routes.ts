import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RefusalCode } from '../../shared/keys/acceptance.ts';
import { verifyCredential } from '../verify/verify-credential.ts';
import { errorBodySchema, sendError } from './api-error.ts';
import type { ServerContext } from './context.ts';

/** 403 codes; every other refusal is 401. */
const FORBIDDEN: ReadonlySet<RefusalCode> = new Set(['IP_NOT_ALLOWED', 'API_DISABLED']);

const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());

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

/** The credential of a request: `Authorization: Bearer …` first, else `X-API-Key`. */
function credentialOf(request: FastifyRequest): string | null {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 0) {
    const match = /^bearer[ \t]+(.*)$/i.exec(authorization);
    return match === null ? '' : (match[1] as string).trim();
  }
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string') {
    return apiKey.trim();
  }
  return null;
}

function rateLimitHeaders(
  policy: string,
  limit: number,
  windowSeconds: number,
  remaining: number,
  reset: number,
) {
  return {
    'ratelimit-policy': `"${policy}";q=${limit};w=${windowSeconds}`,
    ratelimit: `"${policy}";r=${remaining};t=${reset}`,
  };
}

/**
 * `GET|POST /v1/verify`: what a gateway calls (nginx `auth_request`, Caddy `forward_auth`). The hot
 * path reads only memory: the index, the limiters, and a buffered request log.
 */
export function registerVerifyRoutes(app: FastifyInstance, context: ServerContext): void {
  const { index, metrics, requestLog, failureLimiter, integrationLimiter, failedLimit } = context;
  const failedWindowMs = failedLimit.windowSeconds * 1000;

  const handler = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const started = performance.now();
    const now = context.now();
    const ip = context.clientIp(
      request.socket.remoteAddress,
      request.headers['x-forwarded-for'],
      request.headers['x-real-ip'],
    );
    const finish = (outcome: string, keyId: string | null, integrationId: string | null): void => {
      metrics.observeVerification(outcome, (performance.now() - started) / 1000);
      requestLog.record({ at: now, keyId, integrationId, outcome, clientIp: ip, instance: context.instance });
    };
    if (!index.loaded) {
      metrics.observeVerification('NOT_READY', (performance.now() - started) / 1000);
      return sendError(reply, 503, 'NOT_READY', 'the server is loading its key index; retry shortly', {
        'retry-after': '1',
      });
    }
    const failures = failureLimiter.check(ip, failedLimit.requests, failedWindowMs, now);
    if (!failures.allowed) {
      finish('RATE_LIMITED', null, null);
      return sendError(
        reply,
        429,
        'RATE_LIMITED',
        'too many failed verifications from this address; retry later',
        {
          'retry-after': String(failures.resetSeconds),
          ...rateLimitHeaders(
            'failed',
            failedLimit.requests,
            failedLimit.windowSeconds,
            0,
            failures.resetSeconds,
          ),
        },
      );
    }
    const credential = credentialOf(request);
    const outcome =
      credential === null
        ? ({
            accepted: false,
            code: 'KEY_MALFORMED',
            message: 'no credential: send Authorization: Bearer <key or Secret> or X-API-Key',
            key: null,
          } as const)
        : verifyCredential(index, credential, now, ip);
    if (!outcome.accepted) {
      const status = FORBIDDEN.has(outcome.code) ? 403 : 401;
      if (status === 401) {
        failureLimiter.add(ip, failedWindowMs, now);
      }
      finish(outcome.code, outcome.key?.facts.keyId ?? null, outcome.key?.facts.integrationId ?? null);
      return sendError(reply, status, outcome.code, outcome.message);
    }
    const key = outcome.key;
    const integration = key.integration.facts;
    let limitHeaders: Record<string, string> = {};
    if (integration.rateLimit !== null) {
      const { requests, windowSeconds } = integration.rateLimit;
      const state = integrationLimiter.take(integration.integrationId, requests, windowSeconds * 1000, now);
      limitHeaders = rateLimitHeaders(
        'integration',
        requests,
        windowSeconds,
        state.remaining,
        state.resetSeconds,
      );
      if (!state.allowed) {
        finish('RATE_LIMITED', key.facts.keyId, integration.integrationId);
        return sendError(reply, 429, 'RATE_LIMITED', "the integration's rate limit is used up; retry later", {
          'retry-after': String(state.resetSeconds),
          ...limitHeaders,
        });
      }
    }
    finish('OK', key.facts.keyId, integration.integrationId);
    const expiresAt = iso(key.facts.expiresAt);
    return reply
      .code(200)
      .headers({
        ...limitHeaders,
        'x-keyward-integration': integration.integrationId,
        'x-keyward-integration-name': encodeURIComponent(integration.integrationName),
        'x-keyward-key-id': key.facts.keyId,
        'x-keyward-key-status': outcome.status,
        'x-keyward-expires': expiresAt ?? 'never',
      })
      .send({
        integrationId: integration.integrationId,
        integrationName: integration.integrationName,
        keyId: key.facts.keyId,
        status: outcome.status,
        expiresAt,
        graceEndsAt: iso(outcome.graceEndsAt),
      });
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
