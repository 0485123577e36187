import { createHash, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { deviceChallengeMessage } from '../../shared/sync/device-challenge.ts';
import type { Device, MemberRole, Storage } from '../storage/storage.ts';

/** How long an enrolment code printed by `keyward-server init` is valid: 24 hours. */
export const ENROLMENT_CODE_TTL_MS = 24 * 3_600_000;
/** How long a sign-in challenge is valid. */
export const CHALLENGE_TTL_MS = 60_000;
/** How long a session token is valid. */
export const TOKEN_TTL_MS = 15 * 60_000;

const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789'; // no 0/O, 1/I/L, U

/** SHA-256 hex: how codes and tokens are stored (never in plain form). */
export function secretHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A code as typed: upper case, without spaces and dashes. */
export function normaliseEnrolmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/**
 * Makes a one-time enrolment code (`XXXXX-XXXXX-XXXXX-XXXXX`, about 98 bits), stores its hash and
 * resolves to the code (shown once) and when it expires.
 */
export async function issueEnrolmentCode(
  storage: Storage,
  options: { role: MemberRole; memberId?: string | null; now: number; ttlMs?: number },
): Promise<{ enrolmentCode: string; expiresAt: number }> {
  const bytes = randomBytes(20);
  let code = '';
  for (const byte of bytes) {
    code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
  }
  const enrolmentCode = (code.match(/.{5}/g) ?? []).join('-');
  const expiresAt = options.now + (options.ttlMs ?? ENROLMENT_CODE_TTL_MS);
  await storage.addEnrolmentCode({
    codeHash: secretHash(normaliseEnrolmentCode(enrolmentCode)),
    memberId: options.memberId ?? null,
    role: options.role,
    createdAt: options.now,
    expiresAt,
  });
  return { enrolmentCode, expiresAt };
}

/** True when `publicKey` is 32 bytes of base64url that node accepts as an Ed25519 public key. */
export function isEd25519PublicKey(publicKey: string): boolean {
  if (!/^[A-Za-z0-9_-]{43}$/.test(publicKey)) {
    return false;
  }
  try {
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}

/** Enrols a device with a one-time code; null when the code is unknown, used or expired. */
export function enrolDevice(
  storage: Storage,
  request: { code: string; name: string; publicKey: string },
  now: number,
): Promise<Device | null> {
  return storage.enrolDevice(
    secretHash(normaliseEnrolmentCode(request.code)),
    { deviceId: randomUUID(), memberId: randomUUID(), name: request.name, publicKey: request.publicKey },
    now,
  );
}

/** Hands a live device a sign-in challenge; null for an unknown or revoked device. */
export async function issueChallenge(
  storage: Storage,
  deviceId: string,
  now: number,
): Promise<{ challengeId: string; challenge: string; expiresAt: number } | null> {
  const device = await storage.getDevice(deviceId);
  if (device === null || device.revokedAt !== null) {
    return null;
  }
  const challenge = {
    challengeId: randomUUID(),
    challenge: randomBytes(32).toString('base64url'),
    expiresAt: now + CHALLENGE_TTL_MS,
  };
  await storage.addChallenge({ ...challenge, deviceId });
  return challenge;
}

/**
 * Exchanges a signed challenge for a session token. The challenge is used up whether or not the
 * signature verifies (a replay is refused); a revoked device is refused. Null when refused.
 */
export async function issueToken(
  storage: Storage,
  request: { deviceId: string; challengeId: string; signature: string },
  now: number,
): Promise<{ token: string; expiresAt: number } | null> {
  const challenge = await storage.consumeChallenge(request.challengeId, request.deviceId, now);
  if (challenge === null) {
    return null;
  }
  const device = await storage.getDevice(request.deviceId);
  if (device === null || device.revokedAt !== null || !/^[A-Za-z0-9_-]{86}$/.test(request.signature)) {
    return null;
  }
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: device.publicKey },
    format: 'jwk',
  });
  const message = Buffer.from(deviceChallengeMessage(request.challengeId, challenge), 'utf8');
  if (!verify(null, message, publicKey, Buffer.from(request.signature, 'base64url'))) {
    return null;
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + TOKEN_TTL_MS;
  await storage.addToken({ tokenHash: secretHash(token), deviceId: device.deviceId, expiresAt });
  return { token, expiresAt };
}

/** The device a bearer token belongs to, checked against storage on every call (revocation is immediate). */
export function authenticate(storage: Storage, token: string, now: number): Promise<Device | null> {
  return storage.deviceForToken(secretHash(token), now);
}
