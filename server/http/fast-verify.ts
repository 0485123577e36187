import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { ServerContext } from './context.ts';
import { VerifyResponder } from './verify-answer.ts';
import { VerifyWire, type WireAnswerer } from './verify-wire.ts';

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
 * Whether the lean paths answer: {@link FastVerifyGate.close} (called when the app starts closing)
 * sends everything to Fastify from then on, so Fastify's 503-while-closing applies.
 */
export class FastVerifyGate {
  open = true;
  private readonly wires: VerifyWire[] = [];

  /** @internal The wire of a server the factory made. */
  add(wire: VerifyWire): void {
    this.wires.push(wire);
  }

  close(): void {
    this.open = false;
    for (const wire of this.wires) {
      wire.close();
    }
  }
}

/**
 * The lean paths of `/v1/verify` (docs/targets.md, `npm run bench:verify-key`), in front of
 * Fastify, both answering with {@link VerifyResponder} — the same decision and bytes as the Fastify
 * route, without Fastify's request/reply objects, hooks and serializer:
 *
 * 1. the wire ({@link VerifyWire}): each new connection is read straight off the socket while its
 *    requests are plain verifications (what nginx `auth_request` and Caddy `forward_auth` send);
 *    the first request that is anything else, and the rest of that connection, go to `node:http`;
 * 2. a `node:http` request listener: a verification with no body that reached `node:http`
 *    (e.g. HTTP/1.0, a repeated header) is still answered without Fastify.
 *
 * Every other request (other routes, a POST with a body, HEAD, while closing) goes to Fastify
 * unchanged. `fastVerifyServerFactory(context, gate)` is a Fastify `serverFactory`.
 */
export function fastVerifyServerFactory(
  context: ServerContext,
  gate: FastVerifyGate,
): (handler: Handler, options: FactoryOptions) => Server {
  const responder = new VerifyResponder(context);
  const answerer: WireAnswerer = (socketIp, request) => {
    try {
      return responder.answer(socketIp, request.headers);
    } catch {
      return null; // node:http and then Fastify's route answer it, or its error handler does
    }
  };
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
    // node:http reads a connection from its 'connection' event (an https server's: 'secureConnection',
    // once TLS is set up); the wire takes that event and hands a connection back when it must.
    const event = options.https ? 'secureConnection' : 'connection';
    const [httpListener] = server.listeners(event) as ((socket: Socket) => void)[];
    if (httpListener === undefined) {
      return server; // not the node:http we know: no wire
    }
    server.removeListener(event, httpListener);
    const wire = new VerifyWire(answerer, (socket) => httpListener.call(server, socket), {
      keepAliveMs: server.keepAliveTimeout,
      headersMs: server.headersTimeout,
    });
    gate.add(wire);
    server.on(event, (socket: Socket) => wire.accept(socket));
    return server;
  };
}
