import { readFileSync } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { KeywardError } from '../../../shared/errors.ts';
import { checkServerUrl } from '../../../shared/sync/server-url.ts';

/** How long one request may take before the server counts as unreachable. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** A full snapshot of a large vault may take longer. */
export const SNAPSHOT_TIMEOUT_MS = 120_000;

/**
 * `node:http`, `node:https` and `node:tls`, loaded on the first request only: every engine builds
 * a ServerSync, but most CLI commands never talk to a server, and loading `node:tls` takes 10–25 ms
 * of the main thread, which the password commands' start-up target cannot spare (docs/targets.md;
 * BENCHMARKS.md, `cli-startup`).
 */
function http() {
  return process.getBuiltinModule('node:http');
}
function https() {
  return process.getBuiltinModule('node:https');
}
function tls() {
  return process.getBuiltinModule('node:tls');
}

/** The OS bundle read when this Node cannot list the system's CAs itself. */
const OS_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** What a server's base URL was checked to be. */
export interface ServerUrl {
  /** The normalised base URL (no trailing slash, no query). */
  base: string;
  url: URL;
}

/**
 * Checks a server URL by the one rule (shared/sync/server-url.ts; docs/domain-rules.md, "Keyward
 * server"): `https://…`, or `http://` only to a loopback host; no credentials, query or fragment.
 * INVALID_INPUT with the rule's words otherwise.
 */
export function parseServerUrl(text: string): ServerUrl {
  const check = checkServerUrl(text);
  if (!check.ok) {
    throw new KeywardError('INVALID_INPUT', check.message);
  }
  return { base: check.url, url: new URL(check.url) };
}

/** SHA-256 of a PEM certificate, as Node prints `fingerprint256` (colon-separated upper-case hex). */
export function certificateFingerprint(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    // Not a certificate: refused with words, never the PEM itself.
    throw new KeywardError('INVALID_INPUT', 'The pinned certificate is not a PEM X.509 certificate.');
  }
}

let systemCas: string[] | null = null;

/** The system's CAs (this Node's own list when it has one, else the OS bundle) plus Node's defaults. */
function trustedCas(): string[] {
  if (systemCas === null) {
    let system: string[];
    const { getCACertificates, rootCertificates } = tls();
    const getCas = getCACertificates as ((type: string) => string[]) | undefined;
    if (typeof getCas === 'function') {
      system = getCas('system');
    } else {
      try {
        system = [readFileSync(OS_CA_BUNDLE, 'utf8')];
      } catch {
        // No OS bundle: Node's defaults only.
        system = [];
      }
    }
    systemCas = [...system, ...rootCertificates];
  }
  return systemCas;
}

/** TLS error codes that mean "not trusted" (as opposed to "not reachable"). */
const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The code of the error a connection is destroyed with when the pin does not match. */
const PIN_MISMATCH = 'KEYWARD_PIN_MISMATCH';

/** A server's answer. */
export interface ServerResponse {
  status: number;
  /** The parsed JSON body (null when there is none or it is not JSON). */
  body: unknown;
  headers: IncomingMessage['headers'];
}

/** One request. `body` is JSON text (or chunks of it, for a large snapshot). */
export interface ServerRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string | readonly string[];
  token?: string;
  timeoutMs?: number;
}

/**
 * A minimal HTTP(S) client for one Keyward server over node:http/node:https (undici's fetch cannot
 * pin a certificate): http only to loopback, https with the system's CAs or a pinned certificate
 * (the peer's SHA-256 fingerprint must equal the pin's). Failures become SERVER_UNREACHABLE or
 * SERVER_UNTRUSTED with messages that never hold the token or a request body.
 */
export class ServerHttp {
  readonly server: ServerUrl;
  private readonly pinnedPem: string | null;
  private readonly pinnedSha256: string | null;

  constructor(url: string, pinnedCertPem: string | null) {
    this.server = parseServerUrl(url);
    this.pinnedPem = pinnedCertPem;
    this.pinnedSha256 = pinnedCertPem === null ? null : certificateFingerprint(pinnedCertPem);
  }

  /** Sends one request; resolves with any HTTP answer, rejects only when there is none. */
  send(request: ServerRequest): Promise<ServerResponse> {
    const { url } = this.server;
    const chunks =
      request.body === undefined ? [] : typeof request.body === 'string' ? [request.body] : request.body;
    const length = chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0);
    const headers: OutgoingHttpHeaders = { accept: 'application/json' };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = length;
    }
    if (request.token !== undefined) {
      headers.authorization = `Bearer ${request.token}`;
    }
    const path = `${url.pathname === '/' ? '' : url.pathname}${request.path}`;
    const common = {
      method: request.method,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port === '' ? undefined : Number(url.port),
      path,
      headers,
      agent: false as const,
    };
    const timeoutMs = request.timeoutMs ?? REQUEST_TIMEOUT_MS;
    return new Promise<ServerResponse>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (!settled) {
          settled = true;
          reject(this.mapFailure(error));
        }
      };
      const onResponse = (response: IncomingMessage) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('error', fail);
        response.on('end', () => {
          if (settled) {
            return;
          }
          settled = true;
          const text = Buffer.concat(parts).toString('utf8');
          let body: unknown;
          try {
            body = text === '' ? null : JSON.parse(text);
          } catch {
            // A proxy's HTML page, say: kept as no body; the status says what happened.
            body = null;
          }
          resolve({ status: response.statusCode ?? 0, body, headers: response.headers });
        });
      };
      const req =
        url.protocol === 'http:'
          ? http().request(common, onResponse)
          : https().request(
              {
                ...common,
                servername: isIP(common.host) === 0 ? common.host : undefined,
                // Pinned: the peer's certificate must be exactly the pinned one, checked below
                // before anything (even the headers, with the token) is written.
                ...(this.pinnedPem === null ? { ca: trustedCas() } : { rejectUnauthorized: false }),
              },
              onResponse,
            );
      req.setTimeout(timeoutMs, () => {
        req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
      });
      req.on('error', fail);
      const verified =
        url.protocol === 'https:' && this.pinnedSha256 !== null
          ? new Promise<boolean>((done) => {
              req.once('socket', (socket: TLSSocket) => {
                socket.once('secureConnect', () => {
                  // The pin is the whole trust decision: compared before the CA chain's verdict
                  // (a self-signed certificate is "untrusted" by the chain, which says nothing).
                  const presented = socket.getPeerCertificate().fingerprint256 ?? '';
                  const matches = presented === this.pinnedSha256;
                  if (!matches) {
                    req.destroy(
                      Object.assign(new Error('the certificate does not match the pinned one'), {
                        code: PIN_MISMATCH,
                        presented,
                      }),
                    );
                  }
                  done(matches);
                });
                socket.once('close', () => done(false));
              });
            })
          : Promise.resolve(true);
      void (async () => {
        if (!(await verified)) {
          return;
        }
        for (const chunk of chunks) {
          if (!req.write(chunk)) {
            await new Promise<void>((done) => {
              const finish = () => {
                req.off('drain', finish);
                req.off('close', finish);
                done();
              };
              req.once('drain', finish);
              req.once('close', finish);
            });
            if (req.destroyed) {
              return;
            }
          }
        }
        req.end();
      })();
    });
  }

  /** A transport failure as a typed error, in words (never the request's body or token). */
  private mapFailure(error: unknown): KeywardError {
    const code = String((error as NodeJS.ErrnoException | null)?.code ?? '');
    const where = this.server.url.host;
    if (code === PIN_MISMATCH) {
      const { presented } = error as { presented?: unknown };
      const shown = typeof presented === 'string' && presented !== '' ? presented : 'none';
      return new KeywardError(
        'SERVER_UNTRUSTED',
        `The certificate of ${where} does not match the pinned certificate: the server presents SHA-256 ${shown}, the pin is SHA-256 ${this.pinnedSha256 ?? ''}. Check the server, or pin its new certificate.`,
      );
    }
    if (UNTRUSTED_CODES.has(code) || /certificate|CERT_/i.test(code)) {
      return new KeywardError(
        'SERVER_UNTRUSTED',
        this.pinnedSha256 === null
          ? `The certificate of ${where} is not trusted (${code}). Use a certificate from a CA this system trusts, or pin the server's certificate.`
          : `The TLS connection to ${where} failed (${code}) before its certificate could be compared with the pinned one (SHA-256 ${this.pinnedSha256}).`,
      );
    }
    const words: Record<string, string> = {
      ECONNREFUSED: 'the connection was refused',
      ENOTFOUND: 'the host name does not resolve',
      EAI_AGAIN: 'the host name could not be resolved now',
      ETIMEDOUT: 'no answer in time',
      ECONNRESET: 'the connection was reset',
      EHOSTUNREACH: 'the host is unreachable',
      ENETUNREACH: 'the network is unreachable',
      EPIPE: 'the connection was closed',
    };
    return new KeywardError(
      'SERVER_UNREACHABLE',
      `The Keyward server at ${where} cannot be reached: ${words[code] ?? (code === '' ? 'the connection failed' : code.slice(0, 40))}.`,
    );
  }
}
