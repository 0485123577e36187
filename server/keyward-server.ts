import { hostname } from 'node:os';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp, REDACTED_PATHS } from './http/app.ts';
import { clientIpResolver } from './http/client-ip.ts';
import type { FailedVerificationLimit, ServerContext } from './http/context.ts';
import { WindowLimiter } from './limits/window-limiter.ts';
import { RequestLog } from './log/request-log.ts';
import { Metrics } from './metrics/metrics.ts';
import type { Storage } from './storage/storage.ts';
import { IndexSync } from './sync/index-sync.ts';
import { KeyIndex } from './verify/key-index.ts';

/** The default per-IP limit on failed verifications: 30 a minute. */
export const DEFAULT_FAILED_LIMIT: FailedVerificationLimit = { requests: 30, windowSeconds: 60 };

/** Options of {@link KeywardServer}. */
export interface KeywardServerOptions {
  storage: Storage;
  host?: string | undefined;
  port?: number | undefined;
  https?: { cert: Buffer; key: Buffer } | null | undefined;
  trustedProxies?: readonly string[] | undefined;
  failedLimit?: FailedVerificationLimit | undefined;
  retentionDays?: number | undefined;
  requestLogFlushMs?: number | undefined;
  pollIntervalMs?: number | undefined;
  /** This instance's name in the request log (default: host name and process id). */
  instance?: string | undefined;
  logger?: FastifyServerOptions['logger'] | undefined;
  logRequests?: boolean | undefined;
  /** Answer plain verifications before Fastify (`server/http/fast-verify.ts`; default on). */
  fastVerify?: boolean | undefined;
  now?: (() => number) | undefined;
}

/**
 * One running Keyward server: storage, the in-memory index and its sync, limiters, metrics, the
 * request log and the HTTP app. `start()` listens at once (verify answers 503 until the index is
 * loaded) and loads the index in the background; `close()` stops everything and flushes the log.
 */
export class KeywardServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  private readonly options: KeywardServerOptions;

  constructor(options: KeywardServerOptions) {
    this.options = options;
    const now = options.now ?? Date.now;
    const index = new KeyIndex();
    const sync = new IndexSync(options.storage, index, { pollIntervalMs: options.pollIntervalMs, now });
    this.context = {
      storage: options.storage,
      index,
      sync,
      metrics: new Metrics(),
      requestLog: new RequestLog(options.storage, {
        retentionDays: options.retentionDays,
        flushIntervalMs: options.requestLogFlushMs,
        now,
      }),
      integrationLimiter: new WindowLimiter(),
      failureLimiter: new WindowLimiter(),
      failedLimit: options.failedLimit ?? DEFAULT_FAILED_LIMIT,
      instance: options.instance ?? `${hostname()}:${process.pid}`,
      clientIp: clientIpResolver(options.trustedProxies ?? []),
      now,
    };
    const logger = options.logger ?? false;
    this.app = buildApp(this.context, {
      logger:
        typeof logger === 'object' && !('child' in logger)
          ? { ...logger, redact: { paths: REDACTED_PATHS, censor: '[Redacted]' } }
          : logger,
      logRequests: options.logRequests,
      fastVerify: options.fastVerify,
      https: options.https ?? null,
    });
  }

  /** Listens, then loads the index in the background. Resolves to the address, e.g. `http://127.0.0.1:8787`. */
  async start(): Promise<string> {
    const address = await this.app.listen({
      host: this.options.host ?? '127.0.0.1',
      port: this.options.port ?? 8787,
    });
    this.context.sync.start();
    return address;
  }

  /** Resolves once the index is loaded. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.context.index.loaded) {
      if (Date.now() > deadline) {
        throw new Error('the key index did not load in time');
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops listening, syncing and logging (flushing what is buffered). Storage stays open. */
  async close(): Promise<void> {
    await this.app.close();
    await this.context.sync.stop();
    await this.context.requestLog.close();
  }
}
