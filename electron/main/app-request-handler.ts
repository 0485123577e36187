// Pure: no `electron` import — a fetch-style handler (standard Request → Response) that app-protocol.ts
// hands to `protocol.handle`, and that tests (and later the browser harness) call directly under Node.
import { readFile, realpath } from 'node:fs/promises';
import { APP_ORIGIN } from './app-origin.ts';
import { securityHeaders } from './csp.ts';
import { isSameOrigin } from './navigation-policy.ts';
import { isStrictlyInside, resolveRendererFile } from './renderer-file-resolver.ts';

/** Dependencies of the app protocol handler. */
export interface AppRequestHandlerOptions {
  /** The renderer build folder (`out/renderer`). */
  rendererDir: string;
  /** Reads a whole file; defaults to `fs.promises.readFile` (which Electron also serves from asar). */
  readFile?: (filePath: string) => Promise<Uint8Array>;
  /** Resolves symbolic links; defaults to `fs.promises.realpath` (Electron answers it for asar too). */
  realPath?: (filePath: string) => Promise<string>;
}

/** A handler for `protocol.handle('app', …)`. */
export type AppRequestHandler = (request: Request) => Promise<Response>;

const STATUS_TEXT = { 400: 'bad request', 403: 'forbidden', 404: 'not found' } as const;
const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

function textResponse(status: number, message: string, extra: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8', ...extra },
  });
}

/**
 * Serves the renderer build: GET/HEAD only, files resolved by `resolveRendererFile` (traversal
 * refused, and symbolic links whose target is outside the build), requests issued by any other origin refused, and the security headers — CSP first — on
 * every response, errors included. Error bodies are a short reason, never a path or a stack.
 */
export function createAppRequestHandler(options: AppRequestHandlerOptions): AppRequestHandler {
  const read = options.readFile ?? ((filePath: string) => readFile(filePath));
  const real = options.realPath ?? ((filePath: string) => realpath(filePath));
  let realRoot: Promise<string> | null = null;
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return textResponse(405, 'method not allowed', { Allow: 'GET, HEAD' });
    }
    // Electron sets `initiatorOrigin` when web content made the request (absent when the browser
    // itself did, e.g. `loadURL`); only our own pages may pull our files.
    const initiator = (request as Request & { initiatorOrigin?: unknown }).initiatorOrigin;
    if (typeof initiator === 'string' && !isSameOrigin(initiator, APP_ORIGIN)) {
      return textResponse(403, 'forbidden');
    }
    const resolved = resolveRendererFile(request.url, options.rendererDir);
    if (!resolved.ok) {
      return textResponse(resolved.status, STATUS_TEXT[resolved.status]);
    }
    let body: Uint8Array;
    try {
      // The path is inside the folder by name; its real path must be too: a symbolic link that
      // leads out of the renderer build (to ~/.ssh, to the vault) is refused like `..`.
      realRoot ??= real(options.rendererDir);
      const [root, filePath] = await Promise.all([realRoot, real(resolved.filePath)]);
      if (!isStrictlyInside(root, filePath)) {
        return textResponse(403, STATUS_TEXT[403]);
      }
      body = await read(filePath);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      return typeof code === 'string' && NOT_FOUND_CODES.has(code)
        ? textResponse(404, 'not found')
        : textResponse(500, 'could not read the file');
    }
    const headers = { ...securityHeaders(), 'Content-Type': resolved.contentType };
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}
