import { z } from 'zod';

/**
 * Where a vault stands with its Keyward server (the desktop's top-bar sync status, Settings →
 * Server, `keyward server status`):
 *
 * - `not-connected`: no server; everything runs locally;
 * - `up-to-date`: every change is published;
 * - `waiting`: `waiting` changes are in the outbox, about to go (or going) out;
 * - `offline`: the server cannot be reached; `waiting` changes wait in the outbox, `reason` says why;
 * - `error`: the server answered but refused (device revoked, certificate pin mismatch, …): `reason`
 *   says what, and what to do.
 */
export const SYNC_STATES = ['not-connected', 'up-to-date', 'waiting', 'offline', 'error'] as const;

/** One of {@link SYNC_STATES}. */
export type SyncState = (typeof SYNC_STATES)[number];

const epochMs = z.number().int().min(0);

/** The connected server, as the vault remembers it (never the device's private key). */
export const serverConnectionSchema = z.strictObject({
  /** The server's base URL (`https://…`, or `http://` on loopback only). */
  url: z.string().min(1).max(2048),
  deviceId: z.string().min(1).max(100),
  deviceName: z.string().min(1).max(100),
  connectedAt: epochMs,
  /** SHA-256 of the pinned certificate (colon-separated hex), or null for the system's CAs. */
  pinnedCertSha256: z.string().nullable(),
  /** The server revision of the last accepted publish, or null before the first. */
  revision: z.number().int().min(0).nullable(),
  /** When the last publish was accepted (epoch ms), or null. */
  lastPublishAt: epochMs.nullable(),
});

/** See {@link serverConnectionSchema}. */
export type ServerConnection = z.infer<typeof serverConnectionSchema>;

/** The sync status. */
export const syncStatusSchema = z.strictObject({
  state: z.enum(SYNC_STATES),
  /** Changes in the outbox not yet accepted by the server. */
  waiting: z.number().int().min(0),
  /** Why `offline` or `error`, in words safe to show; null otherwise. */
  reason: z.string().max(500).nullable(),
  server: serverConnectionSchema.nullable(),
});

/** See {@link syncStatusSchema}. */
export type SyncStatus = z.infer<typeof syncStatusSchema>;
