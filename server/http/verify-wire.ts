import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { clientErrorAnswer } from './api-error.ts';
import type { VerifyAnswer } from './verify-answer.ts';

/**
 * What a verify request read off the wire carries: the headers the decision reads (the rest are
 * not kept), and whether the client asked to close the connection after the answer.
 */
export interface WireRequest {
  headers: IncomingHttpHeaders;
  close: boolean;
}

/** Answers one verification read off the wire; `null` sends the request (and the connection) to `node:http`. */
export type WireAnswerer = (socketIp: string | undefined, request: WireRequest) => VerifyAnswer | null;

/** The connection listener of `node:http` (or of the TLS server's secure connections) the wire hands over to. */
export type ConnectionHandOver = (socket: Socket) => void;

/** Timeouts the wire keeps, the same as the `node:http` server behind it. */
export interface WireTimeouts {
  /** An idle keep-alive connection is closed after this long (ms). */
  keepAliveMs: number;
  /** A request head must arrive whole within this long (ms); else 408 and close. */
  headersMs: number;
}

/** The largest request head the wire reads itself; a longer one goes to `node:http` (its limit, its 431). */
export const WIRE_MAX_HEAD = 16 * 1024;

/** Past this many bytes waiting to be sent, the wire stops reading the connection until they drain. */
const WIRE_HIGH_WATER = 64 * 1024;

const HEAD_END = Buffer.from('\r\n\r\n');

/** Reason phrases of the statuses `/v1/verify` answers. */
const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  401: 'Unauthorized',
  403: 'Forbidden',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** RFC 9110 `token` (a header name). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Control characters no request head may carry outside its CRLF line ends (NUL, bare controls, DEL). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN_BYTES = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
/** A query the wire reads itself: RFC 3986 query characters only; anything else goes to `node:http`. */
const QUERY = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*$/;

/**
 * Reads one request head (the bytes before its blank line) if it is a plain verification in the
 * strict subset the wire answers itself; `null` for anything else, which `node:http` then parses:
 *
 * - request line exactly `GET|POST /v1/verify[?query] HTTP/1.1`;
 * - every line ends in CRLF (no bare CR or LF), no control characters, no folded lines;
 * - header names are tokens followed directly by `:`;
 * - a `Host` header, once; no body (`Content-Length` absent or `0`), no `Transfer-Encoding`, no
 *   `Expect`, no `Upgrade`;
 * - `Authorization`, `X-API-Key`, `X-Forwarded-For`, `X-Real-IP`, `Connection` and `Content-Length`
 *   at most once each (a repeat is `node:http`'s to merge or refuse).
 *
 * Within the subset, the framing is unambiguous (a head, no body) and the headers read here are
 * what `node:http` would give the route, values trimmed alike; outside it, nothing is guessed.
 */
export function readVerifyHead(head: string): WireRequest | null {
  const lineEnd = head.indexOf('\r\n');
  const requestLine = lineEnd < 0 ? head : head.slice(0, lineEnd);
  let target: string;
  if (requestLine.startsWith('GET ')) {
    target = requestLine.slice(4);
  } else if (requestLine.startsWith('POST ')) {
    target = requestLine.slice(5);
  } else {
    return null;
  }
  if (!target.startsWith('/v1/verify') || !target.endsWith(' HTTP/1.1')) {
    return null;
  }
  const rest = target.slice('/v1/verify'.length, target.length - ' HTTP/1.1'.length);
  if (rest.length > 0 && (rest.charCodeAt(0) !== 63 /* ? */ || !QUERY.test(rest))) {
    return null;
  }
  if (lineEnd < 0 || FORBIDDEN_BYTES.test(head)) {
    return null; // no Host header; or a control character somewhere
  }
  const headers: IncomingHttpHeaders = {};
  let close = false;
  let host = false;
  let connection = false;
  let contentLength = false;
  let start = lineEnd + 2;
  while (start <= head.length) {
    let end = head.indexOf('\r\n', start);
    if (end < 0) {
      end = head.length;
    }
    const line = head.slice(start, end);
    start = end + 2;
    const colon = line.indexOf(':');
    if (colon <= 0 || line.includes('\r') || line.includes('\n')) {
      return null;
    }
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) {
      return null;
    }
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    const lower = name.toLowerCase();
    switch (lower) {
      case 'host':
        if (host) {
          return null;
        }
        host = true;
        break;
      case 'authorization':
      case 'x-api-key':
      case 'x-forwarded-for':
      case 'x-real-ip':
        if (headers[lower] !== undefined) {
          return null; // node:http merges or drops a repeat: its call
        }
        headers[lower] = value;
        break;
      case 'content-length':
        if (contentLength || value !== '0') {
          return null;
        }
        contentLength = true;
        break;
      case 'connection': {
        if (connection) {
          return null;
        }
        connection = true;
        const options = value.toLowerCase();
        if (options.includes('upgrade')) {
          return null;
        }
        close = /(^|[\s,])close($|[\s,])/.test(options);
        break;
      }
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return null;
      default:
        break;
    }
  }
  return host ? { headers, close } : null;
}

const VERIFY_STARTS = [Buffer.from('GET /v1/verify'), Buffer.from('POST /v1/verify')];

/** Can the bytes from `offset` still become a verify head? If not, `node:http` reads them now. */
function mayBeVerify(data: Buffer, offset: number): boolean {
  const length = data.length - offset;
  return VERIFY_STARTS.some((start) => {
    const compared = Math.min(length, start.length);
    return data.compare(start, 0, compared, offset, offset + compared) === 0;
  });
}

/** `Date` header values, one per second (what `node:http` sends too). */
let dateSecond = -1;
let dateValue = '';
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateValue = new Date(second * 1000).toUTCString();
  }
  return dateValue;
}

/**
 * Sends the last bytes and closes: the server's sockets are half-open (as `node:http` wants them),
 * so after its FIN the socket is destroyed once the bytes are out, not left to the client.
 */
function endThenDestroy(socket: Socket, last: string): void {
  socket.end(last, 'utf8', () => socket.destroy());
}

/** The status line and headers of an answer (without the per-connection ones), built once per answer object. */
const heads = new WeakMap<VerifyAnswer, string>();
function headOf(answer: VerifyAnswer): string {
  let head = heads.get(answer);
  if (head === undefined) {
    head = `HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? 'Unknown'}\r\n`;
    const headers = answer.headers;
    for (let index = 0; index + 1 < headers.length; index += 2) {
      head += `${headers[index]}: ${headers[index + 1]}\r\n`;
    }
    heads.set(answer, head);
  }
  return head;
}

/**
 * One connection read by the wire: complete heads are answered in order, many per read when the
 * client pipelines; the first request outside {@link readVerifyHead}'s subset, and everything after
 * it on that connection, goes to `node:http` (the bytes not yet answered are put back on the
 * socket first), so no request is ever half-read by two parsers.
 */
class WireConnection {
  private pending: Buffer | null = null;
  /** When the head now pending started to arrive (ms). */
  private headStarted = 0;
  private readonly onData = (chunk: Buffer): void => this.read(chunk);
  private readonly onTimeout = (): void => this.expire();
  private readonly onError = (): void => this.detach(true);
  private readonly onClose = (): void => this.detach(false);
  private readonly onEnd = (): void => this.ended();
  private readonly onDrain = (): void => this.drained();
  /** Whole requests not answered yet because the client does not read its answers. */
  private backlog: Buffer | null = null;

  private readonly wire: VerifyWire;
  private readonly socket: Socket;

  constructor(wire: VerifyWire, socket: Socket) {
    this.wire = wire;
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(wire.timeouts.keepAliveMs);
    socket.on('data', this.onData);
    socket.on('timeout', this.onTimeout);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.on('end', this.onEnd);
  }

  private read(chunk: Buffer): void {
    if (this.pending === null) {
      this.headStarted = 0;
      this.process(chunk);
      return;
    }
    const data = Buffer.concat([this.pending, chunk]);
    this.pending = null;
    this.process(data);
  }

  /** Answers every whole head in `data`, keeps a partial one, hands over at the first it cannot read. */
  private process(data: Buffer): void {
    const wire = this.wire;
    const socket = this.socket;
    let offset = 0;
    let out = '';
    for (;;) {
      if (!wire.open) {
        this.handOver(out, data.subarray(offset));
        return;
      }
      const end = data.indexOf(HEAD_END, offset);
      if (end < 0) {
        break;
      }
      const request =
        end - offset <= WIRE_MAX_HEAD ? readVerifyHead(data.toString('latin1', offset, end)) : null;
      const answer = request === null ? null : wire.answerer(socket.remoteAddress, request);
      if (answer === null || request === null) {
        this.handOver(out, data.subarray(offset));
        return;
      }
      out += `${headOf(answer)}date: ${httpDate()}\r\n${request.close ? 'connection: close\r\n' : wire.keepAliveHeaders}\r\n${answer.body}`;
      offset = end + 4;
      if (request.close) {
        this.detach(false);
        endThenDestroy(socket, out);
        return;
      }
      if (out.length >= WIRE_HIGH_WATER) {
        // A client pipelining far ahead: send what is answered; if it does not read, wait for it.
        const flowing = socket.write(out, 'utf8');
        out = '';
        if (!flowing && socket.writableLength >= WIRE_HIGH_WATER && offset < data.length) {
          this.backlog = data.subarray(offset);
          socket.pause();
          socket.once('drain', this.onDrain);
          return;
        }
      }
    }
    if (offset < data.length) {
      if (data.length - offset > WIRE_MAX_HEAD || !mayBeVerify(data, offset)) {
        this.handOver(out, data.subarray(offset)); // node:http answers (400, 431)
        return;
      }
      this.pending = offset === 0 ? data : data.subarray(offset);
      const now = Date.now();
      if (this.headStarted === 0 || offset > 0) {
        this.headStarted = now; // a new head began in this read
      } else if (now - this.headStarted > wire.timeouts.headersMs) {
        this.timeOutHead(out);
        return;
      }
    }
    if (out.length > 0 && !socket.write(out, 'utf8') && socket.writableLength >= WIRE_HIGH_WATER) {
      socket.pause();
      socket.once('drain', this.onDrain);
    }
  }

  /** The client read its answers: read on, starting with the requests that waited. */
  private drained(): void {
    const backlog = this.backlog;
    this.backlog = null;
    this.socket.resume();
    if (backlog !== null) {
      this.process(backlog);
    }
  }

  /**
   * The client sent its last byte (the server's sockets are half-open, as `node:http` wants them):
   * after a head cut short, 400 as `node:http` answers; then this side closes too.
   */
  private ended(): void {
    const cutShort = this.pending !== null;
    this.detach(false);
    endThenDestroy(this.socket, cutShort ? clientErrorAnswer(400) : '');
  }

  /** No byte for the keep-alive time: an idle connection closes; a head still arriving gets 408. */
  private expire(): void {
    if (this.pending !== null) {
      this.timeOutHead('');
      return;
    }
    this.detach(false);
    this.socket.destroy();
  }

  private timeOutHead(out: string): void {
    this.detach(false);
    endThenDestroy(this.socket, `${out}${clientErrorAnswer(408)}`);
  }

  /** Stops reading; when the server closes, an idle connection is ended and a half-read one handed over. */
  shutDown(): void {
    const unread = this.backlog ?? this.pending;
    if (unread !== null) {
      this.handOver('', unread);
      return;
    }
    this.detach(false);
    endThenDestroy(this.socket, '');
  }

  /** Answers what was answered so far, then gives the socket and the unread bytes to `node:http`. */
  private handOver(out: string, rest: Buffer): void {
    const socket = this.socket;
    this.detach(false);
    socket.removeListener('drain', this.onDrain);
    this.backlog = null;
    socket.setTimeout(0);
    if (out.length > 0) {
      socket.write(out, 'utf8');
    }
    if (rest.length > 0) {
      socket.unshift(rest);
    }
    this.wire.handOver(socket);
    if (socket.isPaused()) {
      socket.resume(); // node:http pauses on its own when it must
    }
  }

  private detach(destroy: boolean): void {
    const socket = this.socket;
    this.pending = null;
    if (!this.wire.forget(this)) {
      return;
    }
    socket.removeListener('data', this.onData);
    socket.removeListener('timeout', this.onTimeout);
    socket.removeListener('error', this.onError);
    socket.removeListener('close', this.onClose);
    socket.removeListener('end', this.onEnd);
    if (destroy) {
      socket.destroy();
    }
  }
}

/**
 * The wire of `/v1/verify` (docs/targets.md, `npm run bench:verify-key`): plain verifications read
 * and answered straight on the socket, before `node:http` builds a request and a response object
 * for them. What nginx `auth_request` and Caddy `forward_auth` send — a `GET` head with a
 * credential and no body — falls in the strict subset {@link readVerifyHead} reads; the answer is
 * the same {@link VerifyAnswer} the Fastify route sends (plus `Date`, `Connection`, `Keep-Alive` as
 * `node:http` writes them). Anything else, and everything after it on that connection, is handed to
 * `node:http` (`handOver`) with the unread bytes put back, so other routes, bodies, odd framing,
 * HTTP/1.0, oversized heads and protocol errors get Node's own parser and answers.
 */
export class VerifyWire {
  /** Sockets the wire reads now. */
  private readonly connections = new Set<WireConnection>();
  /** False once the server is closing: new connections and unread requests go to `node:http`. */
  open = true;
  readonly keepAliveHeaders: string;
  readonly answerer: WireAnswerer;
  readonly handOver: ConnectionHandOver;
  readonly timeouts: WireTimeouts;

  constructor(answerer: WireAnswerer, handOver: ConnectionHandOver, timeouts: WireTimeouts) {
    this.answerer = answerer;
    this.handOver = handOver;
    this.timeouts = timeouts;
    this.keepAliveHeaders = `connection: keep-alive\r\nkeep-alive: timeout=${Math.floor(timeouts.keepAliveMs / 1000)}\r\n`;
  }

  /** A new connection: read it here while the server is open, else hand it over at once. */
  accept(socket: Socket): void {
    if (!this.open) {
      this.handOver(socket);
      return;
    }
    this.connections.add(new WireConnection(this, socket));
  }

  /** How many connections the wire reads now. */
  get size(): number {
    return this.connections.size;
  }

  /** @internal A connection stops being read here; false if it already had. */
  forget(connection: WireConnection): boolean {
    return this.connections.delete(connection);
  }

  /** The server is closing: idle connections end, half-read ones go to `node:http` (which answers 503). */
  close(): void {
    this.open = false;
    for (const connection of [...this.connections]) {
      connection.shutDown();
    }
  }
}
