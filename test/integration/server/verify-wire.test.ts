// The wire of /v1/verify (server/http/verify-wire.ts) reads plain verifications straight off the
// socket and hands everything else to node:http. What a gateway or an attacker sends must get the
// same answers, in the same order, as from a server without the wire: pipelined mixes, bytes
// trickling in, bodies, odd framing, oversized heads, half-closes, TLS, and a differential fuzz.
import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywardServer } from '../../../server/keyward-server.ts';
import type { VerifyAnswer } from '../../../server/http/verify-answer.ts';
import { readVerifyHead, VerifyWire } from '../../../server/http/verify-wire.ts';
import type { Storage } from '../../../server/storage/storage.ts';
import { batch, freshStorage, integrationFacts, keyFacts } from '../../support/server-fixtures.ts';
import { selfSignedCert } from '../../support/tls-certs.ts';

/** One answer read off a raw connection: status, `X-Keyward-Code`, `Connection`, body. */
interface RawAnswer {
  status: number;
  code: string | undefined;
  connection: string | undefined;
  body: string;
}

/** Splits what a server sent on one connection into answers (Content-Length or chunked framing). */
function parseAnswers(raw: Buffer): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const end = raw.indexOf('\r\n\r\n', offset);
    if (end < 0) {
      throw new Error(`a cut answer: ${raw.toString('latin1', offset, offset + 200)}`);
    }
    const lines = raw.toString('latin1', offset, end).split('\r\n');
    const headers = new Map(
      lines.slice(1).map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
      }),
    );
    let bodyStart = end + 4;
    let body = '';
    if (headers.get('transfer-encoding') === 'chunked') {
      for (;;) {
        const sizeEnd = raw.indexOf('\r\n', bodyStart);
        const size = parseInt(raw.toString('latin1', bodyStart, sizeEnd), 16);
        body += raw.toString('utf8', sizeEnd + 2, sizeEnd + 2 + size);
        bodyStart = sizeEnd + 2 + size + 2;
        if (size === 0) {
          break;
        }
      }
    } else {
      const length = Number(headers.get('content-length') ?? 0);
      body = raw.toString('utf8', bodyStart, bodyStart + length);
      bodyStart += length;
    }
    answers.push({
      status: Number(lines[0]?.split(' ')[1]),
      code: headers.get('x-keyward-code'),
      connection: headers.get('connection'),
      body,
    });
    offset = bodyStart;
  }
  return answers;
}

/**
 * Sends `parts` on one connection (with `gapMs` between them), half-closes, and returns every
 * byte the server sent until it closed.
 */
async function exchange(
  port: number,
  parts: readonly (string | Buffer)[],
  options: { gapMs?: number; halfClose?: boolean; socket?: Socket } = {},
): Promise<Buffer> {
  const socket = options.socket ?? connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.resume();
  const closed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close in 5 s; got: ${Buffer.concat(chunks).toString('latin1').slice(0, 300)}`));
    }, 5000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('error', () => undefined);
  });
  if (options.socket === undefined) {
    await once(socket, 'connect');
  }
  for (const part of parts) {
    socket.write(part);
    if (options.gapMs) {
      await new Promise((resolve) => setTimeout(resolve, options.gapMs));
    }
  }
  if (options.halfClose !== false) {
    socket.end();
  }
  await closed;
  return Buffer.concat(chunks);
}

const verifyHead = (headers: string, method = 'GET', path = '/v1/verify'): string =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`;

describe('readVerifyHead: the strict subset the wire reads itself', () => {
  it.each([
    ['GET /v1/verify HTTP/1.1\r\nHost: x\r\nX-API-Key: kw_a', { 'x-api-key': 'kw_a' }, false],
    [
      'POST /v1/verify?from=nginx HTTP/1.1\r\nhost: x\r\nContent-Length: 0\r\nAuthorization:  Bearer t \t',
      { authorization: 'Bearer t' },
      false,
    ],
    [
      'GET /v1/verify HTTP/1.1\r\nHost: x\r\nConnection: Keep-Alive, close\r\nX-Real-IP: 1.2.3.4',
      { 'x-real-ip': '1.2.3.4' },
      true,
    ],
  ])('reads %j', (head, headers, close) => {
    expect(readVerifyHead(head)).toEqual({ headers, close });
  });

  it.each([
    ['another route', 'GET /healthz HTTP/1.1\r\nHost: x'],
    ['a trailing slash', 'GET /v1/verify/ HTTP/1.1\r\nHost: x'],
    ['a longer path', 'GET /v1/verifyx HTTP/1.1\r\nHost: x'],
    ['an absolute-form target', 'GET http://x/v1/verify HTTP/1.1\r\nHost: x'],
    ['HEAD', 'HEAD /v1/verify HTTP/1.1\r\nHost: x'],
    ['a lower-case method', 'get /v1/verify HTTP/1.1\r\nHost: x'],
    ['HTTP/1.0', 'GET /v1/verify HTTP/1.0\r\nHost: x'],
    ['a space in the query', 'GET /v1/verify?a b HTTP/1.1\r\nHost: x'],
    ['a quote in the query', 'GET /v1/verify?a="b" HTTP/1.1\r\nHost: x'],
    ['no Host', 'GET /v1/verify HTTP/1.1\r\nX-API-Key: k'],
    ['two Hosts', 'GET /v1/verify HTTP/1.1\r\nHost: x\r\nHost: y'],
    ['a body', 'POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 2'],
    ['Content-Length 00', 'POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 00'],
    ['Transfer-Encoding', 'POST /v1/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked'],
    ['Expect', 'POST /v1/verify HTTP/1.1\r\nHost: x\r\nExpect: 100-continue'],
    ['Upgrade', 'GET /v1/verify HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket'],
    ['two X-API-Keys', 'GET /v1/verify HTTP/1.1\r\nHost: x\r\nX-API-Key: a\r\nx-api-key: b'],
    ['two Authorizations', 'GET /v1/verify HTTP/1.1\r\nHost: x\r\nAuthorization: a\r\nAuthorization: b'],
    [
      'two X-Forwarded-Fors',
      'GET /v1/verify HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: a\r\nX-Forwarded-For: b',
    ],
    ['a space before the colon', 'GET /v1/verify HTTP/1.1\r\nHost: x\r\nX-API-Key : k'],
    ['a folded line', 'GET /v1/verify HTTP/1.1\r\nHost: x\r\nX-API-Key: k\r\n continued'],
    ['a bare LF', 'GET /v1/verify HTTP/1.1\nHost: x\r\nX-API-Key: k'],
    ['a bare CR', 'GET /v1/verify HTTP/1.1\r\nHost: x\rX-API-Key: k'],
    ['a NUL in a value', 'GET /v1/verify HTTP/1.1\r\nHost: x\r\nX-API-Key: k\u0000'],
    ['a line without a colon', 'GET /v1/verify HTTP/1.1\r\nHost: x\r\nnonsense'],
  ])('leaves %s to node:http', (_name, head) => {
    expect(readVerifyHead(head)).toBeNull();
  });
});

describe('the wire on a running server', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let wired: KeywardServer;
  let plain: KeywardServer;
  let wiredPort = 0;
  let plainPort = 0;
  const integration = integrationFacts({ integrationName: 'Wire' });
  const key = keyFacts(integration.integrationId);
  const revoked = keyFacts(integration.integrationId, { status: 'revoked', endedAt: Date.now() - 1000 });

  beforeAll(async () => {
    ({ storage, cleanup } = await freshStorage('sqlite'));
    await storage.applyBatch(
      batch(
        [
          { op: 'putIntegration', integration },
          { op: 'putKey', key: key.facts },
          { op: 'putKey', key: revoked.facts },
        ],
        { snapshot: true },
      ),
      { deviceId: null, now: Date.now() },
    );
    const failedLimit = { requests: 1_000_000, windowSeconds: 60 };
    wired = new KeywardServer({ storage, port: 0, failedLimit });
    plain = new KeywardServer({ storage, port: 0, failedLimit, fastVerify: false });
    wiredPort = Number(new URL(await wired.start()).port);
    plainPort = Number(new URL(await plain.start()).port);
    await Promise.all([wired.ready(), plain.ready()]);
  });
  afterAll(async () => {
    await Promise.all([wired.close(), plain.close()]);
    await cleanup();
  });

  it('answers pipelined verifications and other routes on one connection, in order', async () => {
    const parts = [
      verifyHead(`X-API-Key: ${key.material}\r\n`) +
        verifyHead(`Authorization: Bearer ${revoked.material}\r\n`) +
        'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' +
        verifyHead(`X-API-Key: ${key.material}\r\n`) +
        `POST /v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nX-API-Key: ${key.material}\r\n\r\n{}` +
        verifyHead('X-API-Key: kw_nope\r\n'),
    ];
    const answers = parseAnswers(await exchange(wiredPort, parts));
    expect(answers.map((answer) => [answer.status, answer.code ?? null])).toEqual([
      [200, null],
      [401, 'KEY_REVOKED'],
      [200, null],
      [200, null],
      [200, null],
      [401, 'KEY_MALFORMED'],
    ]);
    expect(JSON.parse(answers[0]?.body ?? '')).toMatchObject({ keyId: key.facts.keyId, status: 'active' });
  });

  it('answers 20 000 pipelined verifications in order to a client that reads late (backpressure)', async () => {
    const socket = connect(wiredPort, '127.0.0.1');
    await once(socket, 'connect');
    socket.pause(); // read nothing for a while: the server must wait for us, not buffer without end
    const keys = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 2 ? 'kw_nope' : key.material));
    socket.write(keys.map((value) => verifyHead(`X-API-Key: ${value}\r\n`)).join(''));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const raw = await exchange(wiredPort, [], { socket });
    expect(parseAnswers(raw).map((answer) => answer.status)).toEqual(
      keys.map((value) => (value === 'kw_nope' ? 401 : 200)),
    );
  });

  it('reads a request that trickles in byte by byte', async () => {
    const bytes = Buffer.from(verifyHead(`X-API-Key: ${key.material}\r\n`));
    const parts = Array.from(bytes, (byte) => Buffer.from([byte]));
    const answers = parseAnswers(await exchange(wiredPort, parts, { gapMs: 1 }));
    expect(answers.map((answer) => answer.status)).toEqual([200]);
  });

  it('closes after the answer when the client asks (Connection: close)', async () => {
    const answers = parseAnswers(
      await exchange(
        wiredPort,
        [
          verifyHead(`X-API-Key: ${key.material}\r\nConnection: close\r\n`) +
            verifyHead(`X-API-Key: ${key.material}\r\n`),
        ],
        { halfClose: false },
      ),
    );
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ status: 200, connection: 'close' });
  });

  it("gives node:http's answers to what falls outside the subset, and keeps the connection working", async () => {
    const answers = parseAnswers(
      await exchange(wiredPort, [
        `GET /v1/verify HTTP/1.1\r\nHost: x\r\nX-API-Key: ${key.material}\r\nX-API-Key: ${key.material}\r\n\r\n` +
          `POST /v1/verify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-API-Key: ${key.material}\r\n\r\n0\r\n\r\n` +
          verifyHead(`X-API-Key: ${key.material}\r\n`),
      ]),
    );
    // Two X-API-Keys are joined by node:http into one malformed credential; the chunked POST's
    // empty body is still a verification; then a plain one.
    expect(answers.map((answer) => [answer.status, answer.code ?? null])).toEqual([
      [401, 'KEY_MALFORMED'],
      [200, null],
      [200, null],
    ]);
  });

  it('leaves an oversized head to node:http (431), and answers 400 to a head cut short by a half-close', async () => {
    const huge = parseAnswers(await exchange(wiredPort, [verifyHead(`X-Pad: ${'a'.repeat(20_000)}\r\n`)]));
    const errorShape = (answer: RawAnswer | undefined) => [
      answer?.status,
      answer?.code,
      (JSON.parse(answer?.body ?? '{}') as { error?: { code?: string } }).error?.code,
    ];
    expect(huge.map(errorShape)).toEqual([[431, 'HEADERS_TOO_LARGE', 'HEADERS_TOO_LARGE']]);
    const cut = parseAnswers(await exchange(wiredPort, ['GET /v1/verify HTTP/1.1\r\nHost: x\r\n']));
    expect(cut.map(errorShape)).toEqual([[400, 'INVALID_INPUT', 'INVALID_INPUT']]);
    const garbage = parseAnswers(await exchange(wiredPort, ['\u0016\u0003\u0001 not http at all\r\n\r\n']));
    expect(garbage.map(errorShape)).toEqual([[400, 'INVALID_INPUT', 'INVALID_INPUT']]);
  });

  it(
    'answers like a server without the wire, for 600 mutated requests (differential fuzz)',
    { timeout: 60_000 },
    async () => {
      let seed = 11;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const credentials = [
        `X-API-Key: ${key.material}`,
        `x-api-key:${key.material}  `,
        `Authorization: Bearer ${key.material}`,
        `authorization: bearer\t${revoked.material}`,
        `Authorization: Basic ${key.material}`,
        'X-API-Key: kw_nope',
        'X-API-Key:',
        `X-API-Key: ${key.material}\r\nX-API-Key: kw_other`,
        `X-API-Key : ${key.material}`,
        `X-API-Key: ${key.material}\r\n folded`,
        `X-API-Key: ${key.material}\u0000`,
        `X-API-Key: caf\u00e9`,
        '',
      ];
      const extras = [
        '',
        'X-Forwarded-For: 10.0.0.1',
        'X-Real-IP: 10.0.0.2',
        'Connection: keep-alive',
        'Connection: close',
        'Connection: Upgrade\r\nUpgrade: h2c',
        'Content-Length: 0',
        'Content-Length: 00',
        'Content-Length: 3\r\n\r\nabc',
        'Transfer-Encoding: chunked\r\n\r\n0\r\n',
        'Expect: 100-continue',
        'Host: second',
        'X-Other: \u00ff\u00fe',
        'Bad Header: x',
        'X-Tab:\tvalue\t',
      ];
      const lines = [
        'GET /v1/verify HTTP/1.1',
        'POST /v1/verify HTTP/1.1',
        'GET /v1/verify?from=nginx&x=%41 HTTP/1.1',
        'GET /v1/verify?a b HTTP/1.1',
        'GET /v1/verify/ HTTP/1.1',
        'GET /V1/verify HTTP/1.1',
        'HEAD /v1/verify HTTP/1.1',
        'GET /v1/verify HTTP/1.0',
        'GET /v1/verify HTTP/1.2',
        'get /v1/verify HTTP/1.1',
        'GET http://x/v1/verify HTTP/1.1',
        'GET /healthz HTTP/1.1',
      ];
      const differences: string[] = [];
      for (let round = 0; round < 600; round += 1) {
        const headerLines = [
          random() < 0.92 ? 'Host: 127.0.0.1' : '',
          pick(credentials),
          pick(extras),
          pick(extras),
        ];
        const ending = random() < 0.05 ? '\n' : '\r\n';
        const request =
          [pick(lines), ...headerLines.filter((line) => line !== '').sort(() => random() - 0.5)].join(
            ending,
          ) + '\r\n\r\n';
        const then = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
        const [fromWire, fromHttp] = await Promise.all([
          exchange(wiredPort, [request + then]),
          exchange(plainPort, [request + then]),
        ]);
        // After a protocol error (400) or an answer that closes the connection, the connection is
        // over: what node:http writes to bytes after that (sometimes another 400) is not compared.
        const summary = (raw: Buffer) => {
          try {
            const answers = parseAnswers(raw);
            const last = answers.findIndex(
              (answer) => answer.status === 400 || answer.connection === 'close',
            );
            return JSON.stringify(
              answers
                .slice(0, last < 0 ? undefined : last + 1)
                .map((answer) => [answer.status, answer.code ?? null]),
            );
          } catch (error) {
            return `${String(error)} in ${JSON.stringify(raw.toString('latin1'))}`;
          }
        };
        if (summary(fromWire) !== summary(fromHttp)) {
          differences.push(
            `${JSON.stringify(request)}: wire ${summary(fromWire)} vs node:http ${summary(fromHttp)}`,
          );
        }
      }
      expect(differences).toEqual([]);
    },
  );
});

describe('the wire over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-wire-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers pipelined verifications and hands the rest of the connection to node:https', async () => {
    const { cert, key: tlsKey } = selfSignedCert(dir, 'server', '127.0.0.1');
    const fresh = await freshStorage('sqlite');
    const integration = integrationFacts();
    const key = keyFacts(integration.integrationId);
    await fresh.storage.applyBatch(
      batch(
        [
          { op: 'putIntegration', integration },
          { op: 'putKey', key: key.facts },
        ],
        { snapshot: true },
      ),
      { deviceId: null, now: Date.now() },
    );
    const server = new KeywardServer({ storage: fresh.storage, port: 0, https: { cert, key: tlsKey } });
    try {
      const port = Number(new URL(await server.start()).port);
      await server.ready();
      const socket = connectTls({ host: '127.0.0.1', port, ca: cert, servername: '127.0.0.1' });
      await once(socket, 'secureConnect');
      const raw = await exchange(
        port,
        [
          verifyHead(`X-API-Key: ${key.material}\r\n`) +
            'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' +
            verifyHead(`X-API-Key: ${key.material}\r\nConnection: close\r\n`),
        ],
        // node:https servers are not half-open: the client asks to close instead
        { socket, halfClose: false },
      );
      expect(parseAnswers(raw).map((answer) => answer.status)).toEqual([200, 200, 200]);
    } finally {
      await server.close();
      await fresh.cleanup();
    }
  });
});

describe('the wire keeps node:http timeouts and lets the server close', () => {
  let http: HttpServer;
  let wire: VerifyWire;
  let port = 0;
  const ok: VerifyAnswer = {
    status: 200,
    headers: ['content-type', 'text/plain', 'content-length', '2'],
    body: 'ok',
  };

  beforeAll(async () => {
    http = createHttpServer((_request, response) => response.end('from node:http'));
    const [httpListener] = http.listeners('connection') as ((socket: Socket) => void)[];
    wire = new VerifyWire(
      () => ok,
      (socket) => httpListener?.call(http, socket),
      { keepAliveMs: 300, headersMs: 200 },
    );
    const net = createNetServer({ allowHalfOpen: true }, (socket) => wire.accept(socket));
    net.listen(0, '127.0.0.1');
    await once(net, 'listening');
    port = (net.address() as AddressInfo).port;
    http.on('close', () => net.close());
  });
  afterAll(() => {
    wire.close();
    http.emit('close');
  });

  it('closes an idle keep-alive connection after the keep-alive time', async () => {
    const started = Date.now();
    const raw = await exchange(port, [verifyHead('X-API-Key: k\r\n')], { halfClose: false });
    expect(parseAnswers(raw).map((answer) => [answer.status, answer.connection])).toEqual([
      [200, 'keep-alive'],
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('answers 408 to a head that does not arrive whole in time', async () => {
    const raw = await exchange(port, ['GET /v1/verify HTTP/1.1\r\n', 'Host: x\r\n', 'X-A: b\r\n'], {
      gapMs: 150,
      halfClose: false,
    });
    expect(parseAnswers(raw).map((answer) => answer.status)).toEqual([408]);
  });

  it('ends idle connections when the server closes, and hands new ones to node:http', async () => {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const closed = once(socket, 'close');
    socket.write(verifyHead('X-API-Key: k\r\n'));
    await once(socket, 'data');
    expect(wire.size).toBe(1);
    wire.close();
    await closed;
    const raw = await exchange(port, [verifyHead('X-API-Key: k\r\n')]);
    expect(parseAnswers(raw)[0]?.body).toBe('from node:http');
  });
});
