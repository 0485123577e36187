import type { FastifyInstance } from 'fastify';
import { MAX_SECRET_LIFETIME_SECONDS } from '../verify/verify-credential.ts';
import type { ServerContext } from './context.ts';

const statusSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'ready', 'degraded', 'loading'] },
    revision: { type: 'integer' },
    keys: { type: 'integer' },
    storage: { type: 'string', enum: ['ok', 'unreachable'] },
  },
} as const;

/**
 * `/healthz` (the process answers), `/readyz` (index loaded, storage reachable), `/metrics`
 * (Prometheus) and `/v1/jwks.json` (the published Secret-verifying keys).
 */
export function registerStatusRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['operations'],
        response: { 200: statusSchema },
      },
    },
    () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the index is loaded and storage answers',
        description:
          '200 `ready`; 200 `degraded` when storage is unreachable (verification still answers from memory, ' +
          'publish answers 503); 503 `loading` until the index is loaded.',
        tags: ['operations'],
        response: { 200: statusSchema, 503: statusSchema },
      },
    },
    async (_request, reply) => {
      let storage: 'ok' | 'unreachable' = 'ok';
      try {
        await Promise.race([
          context.storage.ping(),
          new Promise((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
        ]);
      } catch {
        storage = 'unreachable';
      }
      const body = { revision: Math.max(0, context.index.revision), keys: context.index.size, storage };
      if (!context.index.loaded) {
        return reply.code(503).send({ status: 'loading', ...body });
      }
      return reply.code(200).send({ status: storage === 'ok' ? 'ready' : 'degraded', ...body });
    },
  );

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics (text exposition 0.0.4)', tags: ['operations'] } },
    (_request, reply) => {
      const publishedAt = context.index.publishedAt;
      return reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(
        context.metrics.render([
          { name: 'keyward_index_keys', help: 'Keys in the in-memory index.', value: context.index.size },
          {
            name: 'keyward_index_revision',
            help: 'The published revision the index reflects.',
            value: Math.max(0, context.index.revision),
          },
          {
            name: 'keyward_index_loaded',
            help: '1 once the index is loaded.',
            value: context.index.loaded ? 1 : 0,
          },
          {
            name: 'keyward_publish_lag_seconds',
            help: 'From the last publish (on any instance) to this instance applying it.',
            value: context.sync.lastLagMs / 1000,
          },
          {
            name: 'keyward_last_publish_timestamp_seconds',
            help: 'When the revision the index reflects was published.',
            value: publishedAt === null ? 0 : publishedAt / 1000,
          },
          {
            name: 'keyward_storage_up',
            help: '0 while storage is unreachable.',
            value: context.sync.storageFailing ? 0 : 1,
          },
          {
            name: 'keyward_request_log_dropped_total',
            help: 'Request log entries dropped while storage was down.',
            value: context.requestLog.dropped,
          },
        ]),
      );
    },
  );

  app.get(
    '/v1/jwks.json',
    {
      schema: {
        summary: 'The public keys that verify Secrets (JWKS)',
        tags: ['verify'],
        response: {
          200: {
            type: 'object',
            required: ['keys'],
            properties: {
              keys: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
                  properties: {
                    kty: { type: 'string' },
                    crv: { type: 'string' },
                    x: { type: 'string' },
                    kid: { type: 'string' },
                    alg: { type: 'string' },
                    use: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    () => ({
      // A retired key stays while Secrets it signed may still be valid (at most the longest lifetime).
      keys: context.index
        .signingKeys()
        .filter(
          (key) =>
            (key.facts.retiredAt ?? null) === null ||
            context.now() < (key.facts.retiredAt as number) + MAX_SECRET_LIFETIME_SECONDS * 1000,
        )
        .map((key) => ({
          kty: 'OKP',
          crv: 'Ed25519',
          x: key.facts.x,
          kid: key.facts.kid,
          alg: 'EdDSA',
          use: 'sig',
        })),
    }),
  );
}
