// Serves the production renderer build over real HTTP on 127.0.0.1, through the app's own request
// handler (electron/main/app-request-handler.ts): the same file resolution, the same refusals and the
// same security headers — CSP first — that the `app://keyward` protocol sends. Nothing is added here
// but the transport (Content-Length, Date, Connection).
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_ORIGIN } from '../../../electron/main/app-origin.ts';
import { createAppRequestHandler } from '../../../electron/main/app-request-handler.ts';
import type { AppRequestHandler } from '../../../electron/main/app-request-handler.ts';

/** The renderer build, served at a random port on the loopback interface. */
export interface RendererServer {
  /** `http://127.0.0.1:<port>`: the origin the harness trusts as the app's. */
  readonly origin: string;
  /** The folder it serves. */
  readonly rendererDir: string;
  /** The absolute URL of `path` (default: the entry page). */
  url(path?: string): string;
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>;
}

/**
 * What Electron's `request.initiatorOrigin` would be for this HTTP request: absent when the browser
 * itself asked (navigation, `Sec-Fetch-Site: none`), the app's origin for a request our own page made,
 * and the requesting origin (or `null`) for anything another site made — which the handler refuses.
 */
function initiatorOf(request: IncomingMessage): string | undefined {
  const site = request.headers['sec-fetch-site'];
  if (site === undefined || site === 'none') {
    return undefined;
  }
  if (site === 'same-origin') {
    return APP_ORIGIN;
  }
  const origin = request.headers.origin;
  return typeof origin === 'string' && origin !== '' ? origin : 'null';
}

/**
 * The `app://` URL the handler sees for this HTTP request. A request for another host (say
 * `localhost:<port>` instead of `127.0.0.1:<port>`, or a rebound DNS name) keeps its foreign host,
 * so the handler refuses it as "not the app origin", as the protocol refuses `app://other`.
 */
function appUrlOf(request: IncomingMessage, expectedHost: string): string {
  const path = request.url ?? '/';
  const host = request.headers.host ?? '';
  const safePath = path.startsWith('/') && !path.startsWith('//') ? path : `/${encodeURIComponent(path)}`;
  return host === expectedHost ? `${APP_ORIGIN}${safePath}` : `app://${encodeURIComponent(host)}${safePath}`;
}

function toFetchRequest(request: IncomingMessage, expectedHost: string): Request {
  const url = appUrlOf(request, expectedHost);
  let fetchRequest: Request;
  try {
    fetchRequest = new Request(url, { method: request.method ?? 'GET' });
  } catch {
    // A method fetch cannot even express (CONNECT, TRACE): the handler answers 405 for any non-GET.
    fetchRequest = new Request(url, { method: 'DELETE' });
  }
  const initiator = initiatorOf(request);
  if (initiator !== undefined) {
    Object.defineProperty(fetchRequest, 'initiatorOrigin', { value: initiator });
  }
  return fetchRequest;
}

async function answer(
  handler: AppRequestHandler,
  request: IncomingMessage,
  response: ServerResponse,
  expectedHost: string,
): Promise<void> {
  const fetchResponse = await handler(toFetchRequest(request, expectedHost));
  const body = Buffer.from(await fetchResponse.arrayBuffer());
  const headers: Record<string, string> = Object.fromEntries(fetchResponse.headers);
  if (request.method !== 'HEAD') {
    headers['content-length'] = String(body.length);
  }
  response.writeHead(fetchResponse.status, headers);
  response.end(request.method === 'HEAD' ? undefined : body);
}

/**
 * Starts an HTTP server for `rendererDir` (normally `out/renderer`) on 127.0.0.1 and a random port,
 * answering every request with the app protocol's own handler.
 */
export async function startRendererServer(options: { rendererDir: string }): Promise<RendererServer> {
  const handler = createAppRequestHandler({ rendererDir: options.rendererDir });
  let expectedHost = '';
  const server = createServer((request, response) => {
    answer(handler, request, response, expectedHost).catch(() => {
      if (!response.headersSent) {
        response.writeHead(500);
      }
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  expectedHost = `127.0.0.1:${port}`;
  const origin = `http://${expectedHost}`;
  return {
    origin,
    rendererDir: options.rendererDir,
    url: (path = '/index.html') => `${origin}${path.startsWith('/') ? path : `/${path}`}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
