import type { RequestLog } from '../log/request-log.ts';
import type { WindowLimiter } from '../limits/window-limiter.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Storage } from '../storage/storage.ts';
import type { IndexSync } from '../sync/index-sync.ts';
import type { KeyIndex } from '../verify/key-index.ts';

/** The per-IP limit on failed verifications (a window of `windowSeconds`). */
export interface FailedVerificationLimit {
  requests: number;
  windowSeconds: number;
}

/** What every route handler reads: one per running server. */
export interface ServerContext {
  storage: Storage;
  index: KeyIndex;
  sync: IndexSync;
  metrics: Metrics;
  requestLog: RequestLog;
  /** Per-integration limits (published with each integration). */
  integrationLimiter: WindowLimiter;
  /** Per-IP failed-verification limits. */
  failureLimiter: WindowLimiter;
  failedLimit: FailedVerificationLimit;
  /** This instance's name in the request log. */
  instance: string;
  clientIp: (socketIp: string | undefined, forwardedFor: unknown, realIp: unknown) => string;
  now: () => number;
}
