import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A key wrapped with AES-256-GCM. All fields base64. */
export interface WrappedKey {
  iv: string;
  ciphertext: string;
  tag: string;
}

/**
 * Wraps `key` under the 256-bit `wrappingKey`. `context` is bound as additional authenticated data,
 * so a wrapped key cannot be moved to another vault or paired with other KDF parameters.
 */
export function wrapKey(key: Buffer, wrappingKey: Buffer, context: string): WrappedKey {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(key), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** Unwraps a key; returns `null` when the wrapping key or context is wrong (or the blob was altered). */
export function unwrapKey(wrapped: WrappedKey, wrappingKey: Buffer, context: string): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', wrappingKey, Buffer.from(wrapped.iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(wrapped.ciphertext, 'base64')), decipher.final()]);
  } catch {
    // GCM refused the blob: wrong key or context, or altered — `null` is the documented answer, not a fault.
    return null;
  }
}
