import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { deviceChallengeMessage } from '../../shared/sync/device-challenge.ts';
import { secretIssuer } from '../../shared/jwt/secret-claims.ts';
import type { PublishBatch } from '../../shared/sync/publish-batch.ts';

/** A device key pair as a desktop would keep it in its vault. */
export interface TestDevice {
  privateKey: KeyObject;
  publicKey: string;
  deviceId: string | null;
}

/** A fresh Ed25519 device key pair. */
export function newDeviceKey(): TestDevice {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, publicKey: jwk.x as string, deviceId: null };
}

async function post(base: string, path: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

/** Enrols `device` with `code`; returns the response. */
export async function enrol(
  base: string,
  device: TestDevice,
  code: string,
  name = 'Test laptop',
): Promise<Response> {
  const response = await post(base, '/v1/devices/enrol', { code, name, publicKey: device.publicKey });
  if (response.status === 201) {
    device.deviceId = ((await response.clone().json()) as { deviceId: string }).deviceId;
  }
  return response;
}

/** Signs in: challenge → signature → token. Returns the token, or the failing response. */
export async function signIn(
  base: string,
  device: TestDevice,
): Promise<{
  token: string | null;
  response: Response;
  signed: { challengeId: string; signature: string } | null;
}> {
  const challengeResponse = await post(base, '/v1/auth/challenge', { deviceId: device.deviceId });
  if (challengeResponse.status !== 200) {
    return { token: null, response: challengeResponse, signed: null };
  }
  const { challengeId, challenge } = (await challengeResponse.json()) as {
    challengeId: string;
    challenge: string;
  };
  const signature = sign(
    null,
    Buffer.from(deviceChallengeMessage(challengeId, challenge)),
    device.privateKey,
  ).toString('base64url');
  const response = await post(base, '/v1/auth/token', { deviceId: device.deviceId, challengeId, signature });
  const token = response.status === 200 ? ((await response.clone().json()) as { token: string }).token : null;
  return { token, response, signed: { challengeId, signature } };
}

/** Publishes a batch with a token. */
export function publish(base: string, token: string, batch: PublishBatch): Promise<Response> {
  return post(base, '/v1/publish', batch, token);
}

/** A vault's Secret signing key: Ed25519, with its `kid` and public `x`. */
export function newSigningKey(): { kid: string; x: string; privateKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { kid: randomUUID(), x: publicKey.export({ format: 'jwk' }).x as string, privateKey };
}

/** Mints a Secret (compact EdDSA JWS) as the vault does: `{iss, sub, key_id, client_secret, jti, iat, nbf, exp}`. */
export function mintSecret(
  signing: { kid: string; privateKey: KeyObject },
  claims: { integrationId: string; keyId: string; key: string; iat: number; lifetimeSeconds?: number },
): string {
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: signing.kid })).toString(
    'base64url',
  );
  const payload = Buffer.from(
    JSON.stringify({
      iss: secretIssuer('00000000-0000-4000-8000-000000000001'),
      sub: claims.integrationId,
      key_id: claims.keyId,
      client_secret: claims.key,
      jti: randomUUID(),
      iat: claims.iat,
      nbf: claims.iat,
      exp: claims.iat + (claims.lifetimeSeconds ?? 86_400),
    }),
  ).toString('base64url');
  const signature = sign(null, Buffer.from(`${header}.${payload}`), signing.privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}
