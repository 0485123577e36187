import type { IncomingHttpHeaders } from 'node:http';
import type { RefusalCode } from '../../shared/keys/acceptance.ts';
import type { IndexedKey } from '../verify/key-index.ts';
import { verifyCredential, type VerifyOutcome } from '../verify/verify-credential.ts';
import type { ServerContext } from './context.ts';

/**
 * One answer of `/v1/verify`, ready to write: the status, the headers as a flat
 * `[name, value, name, value, …]` list (what `response.writeHead` takes; `Content-Type` and
 * `Content-Length` included) and the body bytes.
 */
export interface VerifyAnswer {
  status: number;
  headers: readonly string[];
  /** A string, not a Buffer: Node then writes the head and the body in one `write` (not `writev`). */
  body: string;
}

/** How many keys keep a prepared 200 at most (the busiest; about 700 bytes each). */
export const PREPARED_KEYS = 1024;

/** 403 codes; every other refusal is 401. */
const FORBIDDEN: ReadonlySet<RefusalCode> = new Set(['IP_NOT_ALLOWED', 'API_DISABLED']);

const JSON_TYPE = 'application/json; charset=utf-8';

const NO_CREDENTIAL: VerifyOutcome = {
  accepted: false,
  code: 'KEY_MALFORMED',
  message: 'no credential: send Authorization: Bearer <key or Secret> or X-API-Key',
  key: null,
};

const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());

/** The credential of a request: `Authorization: Bearer …` first, else `X-API-Key`. */
export function credentialOf(headers: IncomingHttpHeaders): string | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 0) {
    const match = /^bearer[ \t]+(.*)$/i.exec(authorization);
    return match === null ? '' : (match[1] as string).trim();
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string') {
    return apiKey.trim();
  }
  return null;
}

function rateLimitHeaders(
  policy: string,
  limit: number,
  windowSeconds: number,
  remaining: number,
  reset: number,
): string[] {
  return [
    'ratelimit-policy',
    `"${policy}";q=${limit};w=${windowSeconds}`,
    'ratelimit',
    `"${policy}";r=${remaining};t=${reset}`,
  ];
}

/** An error answer: `{"error":{"code","message"}}` and `X-Keyward-Code`. */
function errorAnswer(
  status: number,
  code: string,
  message: string,
  extra: readonly string[] = [],
): VerifyAnswer {
  const body = JSON.stringify({ error: { code, message } });
  return {
    status,
    headers: [
      ...extra,
      'x-keyward-code',
      code,
      'content-type',
      JSON_TYPE,
      'content-length',
      String(Buffer.byteLength(body)),
    ],
    body,
  };
}

/** The 200 of a key, prepared once and kept on the key while its facts and standing stay the same. */
interface PreparedOk {
  integrationFacts: unknown;
  status: 'active' | 'grace';
  graceEndsAt: number | null;
  headers: string[];
  body: string;
  ok: VerifyAnswer;
}

function prepareOk(key: IndexedKey, status: 'active' | 'grace', graceEndsAt: number | null): PreparedOk {
  const integration = key.integration.facts;
  const expiresAt = iso(key.expiresAt);
  const body = JSON.stringify({
    integrationId: integration.integrationId,
    integrationName: integration.integrationName,
    keyId: key.keyId,
    status,
    expiresAt,
    graceEndsAt: iso(graceEndsAt),
  });
  const headers = [
    'x-keyward-integration',
    integration.integrationId,
    'x-keyward-integration-name',
    encodeURIComponent(integration.integrationName),
    'x-keyward-key-id',
    key.keyId,
    'x-keyward-key-status',
    status,
    'x-keyward-expires',
    expiresAt ?? 'never',
    'content-type',
    JSON_TYPE,
    'content-length',
    String(Buffer.byteLength(body)),
  ];
  return {
    integrationFacts: integration,
    status,
    graceEndsAt,
    headers,
    body,
    ok: { status: 200, headers, body },
  };
}

/**
 * Decides `/v1/verify` and builds its answer: the one implementation behind both ways a request
 * arrives (the Fastify route, and the lean `node:http` listener in front of Fastify, `fast-verify.ts`),
 * so both answer byte for byte alike. It reads only memory — the index, the limiters — and records
 * the verification in the metrics and the buffered request log.
 *
 * Answers that do not change per request are built once: the error answers by code and message,
 * and each key's 200 (body and `X-Keyward-*` headers), kept on the key until its integration's
 * facts or its standing (active/grace) change — for the {@link PREPARED_KEYS} most recently
 * prepared keys only, so memory stays bounded however many keys are in use.
 */
export class VerifyResponder {
  private readonly context: ServerContext;
  private readonly failedWindowMs: number;
  private readonly errors = new Map<string, VerifyAnswer>();
  /** The keys holding a prepared 200, oldest first from `nextHolder` (a ring). */
  private readonly holders: (IndexedKey | undefined)[] = new Array<IndexedKey | undefined>(PREPARED_KEYS);
  private nextHolder = 0;
  private readonly notReady = errorAnswer(
    503,
    'NOT_READY',
    'the server is loading its key index; retry shortly',
    ['retry-after', '1'],
  );

  constructor(context: ServerContext) {
    this.context = context;
    this.failedWindowMs = context.failedLimit.windowSeconds * 1000;
  }

  /**
   * Makes room for one more key with a prepared 200: at most {@link PREPARED_KEYS} keys hold one
   * (about 3 MB), the oldest lets go of its own. O(1), so 100k busy keys never add 100k answers.
   */
  private hold(key: IndexedKey): void {
    const evicted = this.holders[this.nextHolder];
    if (evicted !== undefined && evicted !== key) {
      evicted.answer = null;
    }
    this.holders[this.nextHolder] = key;
    this.nextHolder = (this.nextHolder + 1) % PREPARED_KEYS;
  }

  /** A refusal without extra headers, built once per status, code and message. */
  private refusal(status: number, code: string, message: string): VerifyAnswer {
    const name = `${status} ${code} ${message}`;
    let answer = this.errors.get(name);
    if (answer === undefined) {
      answer = errorAnswer(status, code, message);
      if (this.errors.size < 1000) {
        this.errors.set(name, answer);
      }
    }
    return answer;
  }

  private finish(started: number, now: number, ip: string, outcome: string, key: IndexedKey | null): void {
    const { metrics, requestLog, instance } = this.context;
    metrics.observeVerification(outcome, (performance.now() - started) / 1000);
    if (key === null) {
      requestLog.add(now, null, null, outcome, ip, instance);
    } else {
      requestLog.add(now, key.keyId, key.integrationId, outcome, ip, instance);
    }
  }

  /** Answers one verification from a peer at `socketIp` with these request headers. Never throws on input. */
  answer(socketIp: string | undefined, headers: IncomingHttpHeaders): VerifyAnswer {
    const started = performance.now();
    const context = this.context;
    if (!context.index.loaded) {
      context.metrics.observeVerification('NOT_READY', (performance.now() - started) / 1000);
      return this.notReady;
    }
    const now = context.now();
    const ip = context.clientIp(socketIp, headers['x-forwarded-for'], headers['x-real-ip']);
    const failedLimit = context.failedLimit;
    if (context.failureLimiter.over(ip, failedLimit.requests, this.failedWindowMs, now)) {
      const failures = context.failureLimiter.check(ip, failedLimit.requests, this.failedWindowMs, now);
      this.finish(started, now, ip, 'RATE_LIMITED', null);
      return errorAnswer(
        429,
        'RATE_LIMITED',
        'too many failed verifications from this address; retry later',
        [
          'retry-after',
          String(failures.resetSeconds),
          ...rateLimitHeaders(
            'failed',
            failedLimit.requests,
            failedLimit.windowSeconds,
            0,
            failures.resetSeconds,
          ),
        ],
      );
    }
    const credential = credentialOf(headers);
    const outcome =
      credential === null ? NO_CREDENTIAL : verifyCredential(context.index, credential, now, ip);
    if (!outcome.accepted) {
      const status = FORBIDDEN.has(outcome.code) ? 403 : 401;
      if (status === 401) {
        context.failureLimiter.add(ip, this.failedWindowMs, now);
      }
      this.finish(started, now, ip, outcome.code, outcome.key);
      return this.refusal(status, outcome.code, outcome.message);
    }
    const key = outcome.key;
    const integration = key.integration.facts;
    let prepared = key.answer as PreparedOk | null;
    if (
      prepared === null ||
      prepared.integrationFacts !== integration ||
      prepared.status !== outcome.status ||
      prepared.graceEndsAt !== outcome.graceEndsAt
    ) {
      if (prepared === null) {
        this.hold(key);
      }
      prepared = prepareOk(key, outcome.status, outcome.graceEndsAt);
      key.answer = prepared;
    }
    if (integration.rateLimit === null) {
      this.finish(started, now, ip, 'OK', key);
      return prepared.ok;
    }
    const { requests, windowSeconds } = integration.rateLimit;
    const state = context.integrationLimiter.take(
      integration.integrationId,
      requests,
      windowSeconds * 1000,
      now,
    );
    const limitHeaders = rateLimitHeaders(
      'integration',
      requests,
      windowSeconds,
      state.remaining,
      state.resetSeconds,
    );
    if (!state.allowed) {
      this.finish(started, now, ip, 'RATE_LIMITED', key);
      return errorAnswer(429, 'RATE_LIMITED', "the integration's rate limit is used up; retry later", [
        'retry-after',
        String(state.resetSeconds),
        ...limitHeaders,
      ]);
    }
    this.finish(started, now, ip, 'OK', key);
    return { status: 200, headers: [...limitHeaders, ...prepared.headers], body: prepared.body };
  }
}
