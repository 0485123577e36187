import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ServerContext } from './context.ts';
import { VerifyResponder } from './verify-answer.ts';

/** The Fastify request handler a server factory is given. */
type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Fastify's options a server factory reads (the same ones Fastify applies to its own server). */
interface FactoryOptions {
  https?: { cert: Buffer; key: Buffer } | null | undefined;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
}

/** Is this a `/v1/verify` the lean path answers: GET or POST, that path (any query), and no body? */
function isPlainVerify(request: IncomingMessage): boolean {
  const method = request.method;
  if (method !== 'GET' && method !== 'POST') {
    return false;
  }
  const url = request.url as string;
  if (url !== '/v1/verify' && !url.startsWith('/v1/verify?')) {
    return false;
  }
  const headers = request.headers;
  const length = headers['content-length'];
  return headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

/**
 * The lean path of `/v1/verify` (docs/targets.md, `npm run bench:verify-key`): a `node:http`
 * request listener in front of Fastify. A verification with no body (what nginx `auth_request`
 * and Caddy `forward_auth` send) is answered right here with {@link VerifyResponder} — the same
 * decision and bytes as the Fastify route, without Fastify's request/reply objects, hooks and
 * serializer. Every other request (other routes, a POST with a body, HEAD, while closing) goes to
 * Fastify unchanged.
 *
 * `fastVerifyServerFactory(context, gate)` is a Fastify `serverFactory`; set `gate.open = false`
 * to send everything to Fastify (done when the app starts closing, so Fastify's 503 applies).
 */
export function fastVerifyServerFactory(
  context: ServerContext,
  gate: { open: boolean },
): (handler: Handler, options: FactoryOptions) => Server {
  const responder = new VerifyResponder(context);
  return (handler, options) => {
    const listener = (request: IncomingMessage, response: ServerResponse): void => {
      if (!gate.open || !isPlainVerify(request)) {
        handler(request, response);
        return;
      }
      let answer;
      try {
        answer = responder.answer(request.socket.remoteAddress, request.headers);
      } catch {
        handler(request, response); // Fastify's route answers it, or its error handler does
        return;
      }
      response.writeHead(answer.status, answer.headers as string[]);
      response.end(answer.body);
    };
    const server = options.https ? createHttpsServer(options.https, listener) : createHttpServer(listener);
    // What Fastify does to the server it makes itself.
    if (options.keepAliveTimeout !== undefined) {
      server.keepAliveTimeout = options.keepAliveTimeout;
    }
    if (options.requestTimeout !== undefined) {
      server.requestTimeout = options.requestTimeout;
    }
    server.setTimeout(options.connectionTimeout ?? 0);
    return server;
  };
}
