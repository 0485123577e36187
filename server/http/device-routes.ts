import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeRefusal, keyAcceptance } from '../../shared/keys/acceptance.ts';
import { parseIp } from '../../shared/net/cidr.ts';
import { publishBatchSchema, type PublishBatch } from '../../shared/sync/publish-batch.ts';
import { serverTestRequestSchema, type ServerTestResult } from '../../shared/sync/server-test.ts';
import {
  authenticate,
  enrolDevice,
  isEd25519PublicKey,
  issueChallenge,
  issueEnrolmentCode,
  issueToken,
} from '../devices/device-auth.ts';
import { verifyCredential } from '../verify/verify-credential.ts';
import type { Device } from '../storage/storage.ts';
import { ApiError, errorBodySchema } from './api-error.ts';
import type { ServerContext } from './context.ts';
import { zodJsonSchema } from './zod-schema.ts';

const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a lowercase UUID');
const enrolSchema = z.strictObject({
  code: z.string().min(1).max(100),
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine(
      (name) => ![...name].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f),
      'name must not contain control characters',
    ),
  publicKey: z
    .string()
    .refine(isEd25519PublicKey, 'publicKey must be an Ed25519 public key (32 bytes, base64url)'),
});
const challengeSchema = z.strictObject({ deviceId: uuid });
const tokenSchema = z.strictObject({ deviceId: uuid, challengeId: uuid, signature: z.string().max(200) });
const usageSchema = z.strictObject({
  integrationId: z.string().max(100).optional(),
  keyId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

const usageSummarySchema = z.strictObject({ integrationId: z.string().min(1).max(100) });

const deviceSchema = {
  type: 'object',
  properties: {
    deviceId: { type: 'string' },
    memberId: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    createdAt: { type: 'integer' },
    lastSeenAt: { type: ['integer', 'null'] },
    revokedAt: { type: ['integer', 'null'] },
  },
} as const;
const errors = { 400: errorBodySchema, 401: errorBodySchema, 503: errorBodySchema };

/** The publish body's limit: a full snapshot of a large vault. */
export const PUBLISH_BODY_LIMIT = 256 * 1024 * 1024;

/** Any storage failure in a device or publish route: 503 with Retry-After (verification is unaffected). */
async function stored<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ApiError) {
      throw error;
    }
    throw new ApiError(503, 'STORAGE_UNAVAILABLE', 'storage is unreachable; retry later', {
      'retry-after': '5',
    });
  }
}

/**
 * Devices and publish: enrolment with a one-time code, challenge → signature → short-lived
 * token, device list and revocation, and atomic revisioned publish batches.
 */
export function registerDeviceRoutes(app: FastifyInstance, context: ServerContext): void {
  const { storage } = context;

  const requireDevice = async (request: FastifyRequest): Promise<Device> => {
    const match = /^bearer[ \t]+([A-Za-z0-9_-]{1,100})$/i.exec(request.headers.authorization ?? '');
    if (match === null) {
      throw new ApiError(401, 'UNAUTHENTICATED', 'send Authorization: Bearer <token> from /v1/auth/token');
    }
    const device = await stored(authenticate(storage, match[1] as string, context.now()));
    if (device === null) {
      throw new ApiError(401, 'UNAUTHENTICATED', 'the token is unknown, expired, or its device was revoked');
    }
    return device;
  };

  app.post(
    '/v1/devices/enrol',
    {
      schema: {
        summary: 'Enrol a device with a one-time enrolment code',
        tags: ['devices'],
        body: zodJsonSchema(enrolSchema),
        response: { 201: deviceSchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as z.infer<typeof enrolSchema>;
      const device = await stored(enrolDevice(storage, body, context.now()));
      if (device === null) {
        throw new ApiError(
          401,
          'ENROLMENT_CODE_INVALID',
          'the enrolment code is unknown, already used or expired',
        );
      }
      return reply.code(201).send(device);
    },
  );

  app.post(
    '/v1/auth/challenge',
    {
      schema: {
        summary: 'A one-time challenge for a device to sign',
        tags: ['devices'],
        body: zodJsonSchema(challengeSchema),
        response: {
          200: {
            type: 'object',
            properties: {
              challengeId: { type: 'string' },
              challenge: { type: 'string' },
              expiresAt: { type: 'integer' },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const body = request.body as z.infer<typeof challengeSchema>;
      const challenge = await stored(issueChallenge(storage, body.deviceId, context.now()));
      if (challenge === null) {
        throw new ApiError(401, 'UNAUTHENTICATED', 'no such device, or it was revoked');
      }
      return challenge;
    },
  );

  app.post(
    '/v1/auth/token',
    {
      schema: {
        summary: 'Exchange a signed challenge for a short-lived token',
        description: 'The signature is Ed25519 over `keyward:device-challenge:v1:<challengeId>:<challenge>`.',
        tags: ['devices'],
        body: zodJsonSchema(tokenSchema),
        response: {
          200: { type: 'object', properties: { token: { type: 'string' }, expiresAt: { type: 'integer' } } },
          ...errors,
        },
      },
    },
    async (request) => {
      const body = request.body as z.infer<typeof tokenSchema>;
      const token = await stored(issueToken(storage, body, context.now()));
      if (token === null) {
        throw new ApiError(
          401,
          'UNAUTHENTICATED',
          'the challenge is unknown, used or expired, or the signature does not verify',
        );
      }
      return token;
    },
  );

  app.get(
    '/v1/devices',
    {
      schema: {
        summary: 'The enrolled devices',
        tags: ['devices'],
        security: [{ bearer: [] }],
        response: {
          200: { type: 'object', properties: { devices: { type: 'array', items: deviceSchema } } },
          ...errors,
        },
      },
    },
    async (request) => {
      await requireDevice(request);
      return { devices: await stored(storage.listDevices()) };
    },
  );

  app.post(
    '/v1/devices/:deviceId/revoke',
    {
      schema: {
        summary: 'Revoke a device: its tokens stop working at once',
        tags: ['devices'],
        security: [{ bearer: [] }],
        params: { type: 'object', properties: { deviceId: { type: 'string' } } },
        response: { 200: { type: 'object', properties: { revoked: { type: 'boolean' } } }, ...errors },
      },
    },
    async (request) => {
      await requireDevice(request);
      const { deviceId } = request.params as { deviceId: string };
      return { revoked: await stored(storage.revokeDevice(deviceId, context.now())) };
    },
  );

  app.post(
    '/v1/publish',
    {
      bodyLimit: PUBLISH_BODY_LIMIT,
      schema: {
        summary: 'Publish an atomic, revisioned batch of facts',
        description:
          'All or nothing. A retried batchId answers with its first revision. snapshot: true replaces the whole ' +
          'published state. A baseRevision other than the current one is refused with 409.',
        tags: ['publish'],
        security: [{ bearer: [] }],
        body: zodJsonSchema(publishBatchSchema),
        response: {
          200: {
            type: 'object',
            properties: { revision: { type: 'integer' }, duplicate: { type: 'boolean' } },
          },
          409: errorBodySchema,
          ...errors,
        },
      },
    },
    async (request) => {
      const device = await requireDevice(request);
      const batch = request.body as PublishBatch;
      for (const op of batch.ops) {
        if (op.op === 'putSigningKey' && !isEd25519PublicKey(op.signingKey.x)) {
          throw new ApiError(
            400,
            'INVALID_INPUT',
            `signing key ${op.signingKey.kid.slice(0, 100)} is not an Ed25519 public key`,
          );
        }
      }
      const outcome = await stored(
        storage.applyBatch(batch, { deviceId: device.deviceId, now: context.now() }),
      );
      switch (outcome.kind) {
        case 'invalid':
          throw new ApiError(400, 'INVALID_INPUT', outcome.message);
        case 'conflict':
          throw new ApiError(
            409,
            'REVISION_CONFLICT',
            `the server is at revision ${outcome.revision}; send a snapshot`,
          );
        case 'applied':
        case 'duplicate':
          await context.sync.catchUp();
          return { revision: outcome.revision, duplicate: outcome.kind === 'duplicate' };
      }
    },
  );

  app.get(
    '/v1/usage/summary',
    {
      schema: {
        summary: "One integration's usage: per key last use, 30 daily counts, calls in 24 h; recent calls",
        description:
          'Built from the request log (shared/sync/usage.ts). Verifications still in the batch buffer are ' +
          'written first, so a call a moment ago is counted.',
        tags: ['publish'],
        security: [{ bearer: [] }],
        querystring: zodJsonSchema(usageSummarySchema),
        response: { 200: { type: 'object', additionalProperties: true }, ...errors },
      },
    },
    async (request) => {
      await requireDevice(request);
      const { integrationId } = request.query as z.infer<typeof usageSummarySchema>;
      await stored(context.requestLog.flush());
      return stored(storage.usageSummary(integrationId, context.now()));
    },
  );

  app.post(
    '/v1/test',
    {
      schema: {
        summary: 'Verify a credential as /v1/verify would, optionally as if from clientIp (device only)',
        description:
          'The same index, accepted-credential mode and acceptance rule as /v1/verify, without a gateway. ' +
          'Logged like any verification; not counted by the rate limits.',
        tags: ['publish'],
        security: [{ bearer: [] }],
        body: zodJsonSchema(serverTestRequestSchema),
        response: { 200: { type: 'object', additionalProperties: true }, ...errors },
      },
    },
    async (request): Promise<ServerTestResult> => {
      await requireDevice(request);
      const body = request.body as z.infer<typeof serverTestRequestSchema>;
      let clientIp = context.clientIp(
        request.socket.remoteAddress,
        request.headers['x-forwarded-for'],
        request.headers['x-real-ip'],
      );
      if (body.clientIp !== undefined) {
        const parsed = parseIp(body.clientIp);
        if (!parsed.ok) {
          throw new ApiError(400, 'INVALID_INPUT', `clientIp: ${parsed.error.message}`);
        }
        clientIp = parsed.value.text;
      }
      if (!context.index.loaded) {
        throw new ApiError(503, 'NOT_READY', 'the server is loading its key index; retry shortly', {
          'retry-after': '1',
        });
      }
      const checkedAt = context.now();
      let outcome = verifyCredential(context.index, body.credential.trim(), checkedAt, clientIp);
      // The admin testing a raw key of a Secret-only integration: a gateway would answer
      // SECRET_REQUIRED whatever the key's state, but the test says first what is wrong with the key
      // itself (revoked, expired, outside the ACL…), and SECRET_REQUIRED only for a key that is fine.
      if (!outcome.accepted && outcome.code === 'SECRET_REQUIRED' && outcome.key !== null) {
        const own = keyAcceptance(outcome.key.rule, checkedAt, clientIp);
        if (!own.accepted) {
          outcome = { accepted: false, code: own.code, message: describeRefusal(own.code), key: outcome.key };
        }
      }
      const key = outcome.key?.facts ?? null;
      context.requestLog.record({
        at: checkedAt,
        keyId: key?.keyId ?? null,
        integrationId: key?.integrationId ?? null,
        outcome: outcome.accepted ? 'OK' : outcome.code,
        clientIp,
        instance: context.instance,
      });
      if (!outcome.accepted) {
        return { accepted: false, code: outcome.code, message: outcome.message, checkedAt };
      }
      return {
        accepted: true,
        integrationId: outcome.key.facts.integrationId,
        keyId: outcome.key.facts.keyId,
        status: outcome.status,
        expiresAt: outcome.key.facts.expiresAt,
        graceEndsAt: outcome.graceEndsAt,
        checkedAt,
      };
    },
  );

  app.post(
    '/v1/enrolment-codes',
    {
      schema: {
        summary: "A new one-time enrolment code for another of the owner's devices (owner only)",
        description:
          'Like `keyward-server devices add`: single use, valid 24 h, shown once. The new device joins the ' +
          "caller's member with the caller's role.",
        tags: ['devices'],
        security: [{ bearer: [] }],
        response: {
          200: {
            type: 'object',
            properties: { enrolmentCode: { type: 'string' }, expiresAt: { type: 'integer' } },
          },
          403: errorBodySchema,
          ...errors,
        },
      },
    },
    async (request) => {
      const device = await requireDevice(request);
      if (device.role !== 'owner') {
        throw new ApiError(403, 'FORBIDDEN', 'only the owner may issue enrolment codes');
      }
      return stored(
        issueEnrolmentCode(storage, { role: device.role, memberId: device.memberId, now: context.now() }),
      );
    },
  );

  app.get(
    '/v1/usage',
    {
      schema: {
        summary: 'Recent verifications from the request log, newest first',
        tags: ['publish'],
        security: [{ bearer: [] }],
        querystring: zodJsonSchema(usageSchema),
        response: { 200: { type: 'object', properties: { requests: { type: 'array' } } }, ...errors },
      },
    },
    async (request) => {
      await requireDevice(request);
      const query = request.query as z.infer<typeof usageSchema>;
      return { requests: await stored(storage.recentRequests(query)) };
    },
  );
}
