import type { IntegrationUsage } from '../../shared/sync/usage.ts';
import type {
  PublishBatch,
  PublishedIntegration,
  PublishedKeyFacts,
  PublishedSigningKey,
} from '../../shared/sync/publish-batch.ts';

/**
 * What changed since a revision: rows written after it and ids deleted after it. Apply the
 * removals first, then the rows (a row deleted and written again comes back).
 */
export interface StateChanges {
  /** The revision these changes bring the reader to. */
  revision: number;
  /** When that revision was published (epoch ms), null before the first publish. */
  publishedAt: number | null;
  integrations: PublishedIntegration[];
  keys: PublishedKeyFacts[];
  signingKeys: PublishedSigningKey[];
  removedIntegrations: string[];
  removedKeys: string[];
  removedSigningKeys: string[];
}

/** The outcome of {@link Storage.applyBatch}. */
export type BatchOutcome =
  | { kind: 'applied'; revision: number }
  /** This `batchId` was applied before: nothing changed, here is the revision it got. */
  | { kind: 'duplicate'; revision: number }
  /** `baseRevision` is not the current revision: nothing changed. */
  | { kind: 'conflict'; revision: number }
  /** The batch would leave the state inconsistent (a key of an unknown integration, a lookup hash twice). */
  | { kind: 'invalid'; message: string };

/** A member's role. Only `owner` exists today; team sync adds `admin` and `member`. */
export type MemberRole = 'owner' | 'admin' | 'member';

/** An enrolled device (desktop or CLI vault): its Ed25519 public key signs its challenges. */
export interface Device {
  deviceId: string;
  memberId: string;
  role: MemberRole;
  name: string;
  /** Ed25519 public key, 32 bytes in unpadded base64url. */
  publicKey: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
}

/** A one-time enrolment code, stored hashed. */
export interface EnrolmentCodeRecord {
  codeHash: string;
  /** The member the device joins; null = a new member with `role`. */
  memberId: string | null;
  role: MemberRole;
  createdAt: number;
  expiresAt: number;
}

/**
 * Verifications as the request log keeps them: one row per second, key, integration, outcome,
 * client IP and instance, with how many such verifications there were (`calls`).
 */
export interface RequestLogEntry {
  /** The first of these verifications (epoch ms); the others came within the same second. */
  at: number;
  keyId: string | null;
  integrationId: string | null;
  /** `OK` or a refusal code (`KEY_UNKNOWN`, `RATE_LIMITED`, …). */
  outcome: string;
  clientIp: string;
  instance: string;
  /** How many verifications the row stands for (1 when absent on a write). */
  calls?: number;
}

/**
 * The server's storage: one interface, two adapters (embedded SQLite, PostgreSQL), one test suite
 * (`test/integration/server/storage.test.ts`). It holds published facts, devices and the request
 * log — never key material. Every method may reject when the database is unreachable; the caller
 * decides (verification keeps answering from memory, publish answers 503).
 */
export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  /** The current revision (0 before the first publish). */
  currentRevision(): Promise<number>;
  /** Everything written after `revision` (0 = the whole state). */
  changesSince(revision: number, options?: { withoutKeys?: boolean }): Promise<StateChanges>;
  /**
   * One page of the current keys, ordered by key id: at most `limit` keys whose id sorts after
   * `afterKeyId` ('' = from the first). An index's first load reads the keys this way
   * (`index-sync.ts`), so the server never holds every row of a large store at once.
   */
  keyPage(afterKeyId: string, limit: number): Promise<PublishedKeyFacts[]>;
  /**
   * Applies a batch atomically (all or nothing) as the next revision, and tells other instances
   * (PostgreSQL `NOTIFY`). A snapshot batch replaces the whole published state.
   */
  applyBatch(batch: PublishBatch, context: { deviceId: string | null; now: number }): Promise<BatchOutcome>;
  /** Calls `onRevision` when another instance may have published; resolves to "stop". */
  watch(onRevision: () => void): Promise<() => Promise<void>>;

  /** Stores a one-time enrolment code (hashed by the caller). */
  addEnrolmentCode(code: EnrolmentCodeRecord): Promise<void>;
  /**
   * Uses an enrolment code once and enrols a device with it, atomically. Null when the code is
   * unknown, used or expired.
   */
  enrolDevice(
    codeHash: string,
    device: { deviceId: string; memberId: string; name: string; publicKey: string },
    now: number,
  ): Promise<Device | null>;
  listDevices(): Promise<Device[]>;
  getDevice(deviceId: string): Promise<Device | null>;
  /** Revokes a device and its tokens at once; false when there is no such device or it was revoked. */
  revokeDevice(deviceId: string, now: number): Promise<boolean>;

  /** Stores a sign-in challenge for a device. */
  addChallenge(challenge: {
    challengeId: string;
    deviceId: string;
    challenge: string;
    expiresAt: number;
  }): Promise<void>;
  /** Uses a challenge once: its text, or null when unknown, used, expired or another device's. */
  consumeChallenge(challengeId: string, deviceId: string, now: number): Promise<string | null>;
  /** Stores a session token (hashed by the caller). */
  addToken(token: { tokenHash: string; deviceId: string; expiresAt: number }): Promise<void>;
  /** The live, not revoked device a token belongs to, or null. */
  deviceForToken(tokenHash: string, now: number): Promise<Device | null>;

  /** Appends verifications to the request log (one statement per chunk, never one per request). */
  appendRequests(entries: readonly RequestLogEntry[]): Promise<void>;
  /** Deletes request log entries older than `before`; resolves to how many. */
  pruneRequests(before: number): Promise<number>;
  /** The latest request log entries, newest first. */
  recentRequests(filter: {
    integrationId?: string | undefined;
    keyId?: string | undefined;
    limit: number;
  }): Promise<RequestLogEntry[]>;
  /**
   * One integration's usage from the request log up to `until` (`shared/sync/usage.ts`): each key
   * the server knows or the log names, with its last accepted call, accepted calls per day for 30
   * days and its calls of the last 24 hours; and the integration's most recent calls.
   */
  usageSummary(integrationId: string, until: number): Promise<IntegrationUsage>;
  /** Deletes expired challenges and tokens and old used codes. */
  pruneSessions(now: number): Promise<void>;

  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
