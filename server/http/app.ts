import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import type { Socket } from 'node:net';
import { ApiError, clientErrorAnswer, sendError } from './api-error.ts';
import type { ServerContext } from './context.ts';
import { registerDeviceRoutes } from './device-routes.ts';
import { FastVerifyGate, fastVerifyServerFactory } from './fast-verify.ts';
import { collectOpenApi } from './openapi.ts';
import { registerStatusRoutes } from './status-routes.ts';
import { registerVerifyRoutes } from './verify-routes.ts';
import { zodValidatorCompiler } from './zod-schema.ts';

/** Request headers never logged in clear. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
];

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** pino options or an instance config; false = no logs. */
  logger: NonNullable<FastifyServerOptions['logger']>;
  /** Log every request (with its headers, redacted). Off by default: the request log covers verifications. */
  logRequests?: boolean | undefined;
  https?: { cert: Buffer; key: Buffer } | null | undefined;
  /**
   * Answer plain verifications in a `node:http` listener in front of Fastify (`fast-verify.ts`).
   * On unless requests are logged (that log is Fastify's); `inject` always goes through Fastify.
   */
  fastVerify?: boolean | undefined;
}

function codeForStatus(status: number): string {
  switch (status) {
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return 'INVALID_INPUT';
  }
}

/**
 * The Fastify app: every route, the one error shape (`{"error":{"code","message"}}` +
 * `X-Keyward-Code`) for our errors and Fastify's own (bad JSON, 404, 413, …), and the OpenAPI
 * document generated from the route schemas at `/v1/openapi.json`.
 */
export function buildApp(context: ServerContext, options: AppOptions): FastifyInstance {
  const gate = new FastVerifyGate();
  const fastVerify = options.fastVerify !== false && options.logRequests !== true;
  const serverOptions = {
    ...(fastVerify ? { serverFactory: fastVerifyServerFactory(context, gate) } : {}),
    logger: options.logger,
    logController: new LogController({ disableRequestLogging: options.logRequests !== true }),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    // Errors Fastify meets before routing (a bad URL encoding, a bad content type): the same shape.
    frameworkErrors: (error: { statusCode?: number }, _request: unknown, reply: FastifyReply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 400;
      sendError(reply, status, codeForStatus(status), 'the request is not valid (e.g. a malformed URL)');
    },
    // Requests node:http cannot parse (or that time out, or have too large a head): the same shape.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) {
        return;
      }
      const status =
        error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      if (socket.writable) {
        socket.write(clientErrorAnswer(status));
      }
      socket.destroy();
    },
    trustProxy: false,
    ...(options.https ? { https: options.https } : {}),
  };
  const app = Fastify(serverOptions as FastifyServerOptions) as unknown as FastifyInstance;
  app.setValidatorCompiler(zodValidatorCompiler);
  // While closing, Fastify answers 503 to what still arrives: let it see every request.
  app.addHook('preClose', (done) => {
    gate.close();
    done();
  });
  const openApi = collectOpenApi(app);

  if (options.logRequests === true) {
    app.addHook('onRequest', (request, _reply, done) => {
      request.log.info({ headers: request.headers, url: request.url, method: request.method }, 'request');
      done();
    });
  }

  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof ApiError) {
      return sendError(reply, error.status, error.code, error.message, error.headers);
    }
    const failure = error as { statusCode?: number; validation?: unknown; message?: string; code?: string };
    const status = typeof failure.statusCode === 'number' ? failure.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'internal error');
      return sendError(reply, 500, 'INTERNAL', 'an unexpected internal error occurred');
    }
    const message =
      failure.validation !== undefined
        ? `invalid request: ${failure.message ?? ''}`
        : status === 413
          ? 'the request body is too large'
          : status === 415
            ? 'unsupported content type: send application/json'
            : 'the request is not valid (e.g. malformed JSON)';
    return sendError(reply, status, codeForStatus(status), message);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      404,
      'NOT_FOUND',
      `no route ${request.method} ${request.url.split('?')[0]?.slice(0, 200) ?? ''}`,
    ),
  );

  registerVerifyRoutes(app, context);
  registerStatusRoutes(app, context);
  registerDeviceRoutes(app, context);
  app.get('/v1/openapi.json', { schema: { hide: true } }, () => openApi());
  return app;
}
