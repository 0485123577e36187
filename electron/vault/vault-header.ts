import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { KeywardError } from '../../shared/errors.ts';
import { writeFileAtomic } from './atomic-file.ts';

const wrappedKeySchema = z.strictObject({
  iv: z.base64(),
  ciphertext: z.base64(),
  tag: z.base64(),
});

const kdfSchema = z.strictObject({
  algorithm: z.literal('argon2id'),
  memoryKiB: z
    .number()
    .int()
    .min(8)
    .max(4 * 1024 * 1024),
  iterations: z.number().int().min(1).max(64),
  parallelism: z.number().int().min(1).max(16),
  salt: z.base64(),
});

/** The header file's schema. It is plain JSON: nothing in it is secret without the master password. */
export const vaultHeaderSchema = z.strictObject({
  format: z.literal('keyward-vault-header'),
  version: z.literal(1),
  vaultId: z.uuid(),
  createdAt: z.iso.datetime(),
  /** SQLite3MultipleCiphers cipher of the database file. */
  cipher: z.literal('chacha20'),
  kdf: kdfSchema,
  /** The data key wrapped by the key Argon2id derives from the master password. */
  passwordWrap: wrappedKeySchema,
  /** The data key wrapped by a device key kept in the OS keychain ("remember on this device"). */
  deviceWrap: wrappedKeySchema.nullable(),
});

/** A parsed vault header. */
export type VaultHeader = z.infer<typeof vaultHeaderSchema>;

/** The authenticated context a password-wrapped key is bound to (vault id and KDF parameters). */
export function passwordWrapContext(header: Pick<VaultHeader, 'vaultId' | 'kdf'>): string {
  const { algorithm, memoryKiB, iterations, parallelism, salt } = header.kdf;
  return `keyward/v1/password/${header.vaultId}/${algorithm}/${memoryKiB}/${iterations}/${parallelism}/${salt}`;
}

/** The authenticated context a device-wrapped key is bound to. */
export function deviceWrapContext(vaultId: string): string {
  return `keyward/v1/device/${vaultId}`;
}

/** Reads and validates a header. Missing → VAULT_NOT_FOUND; unreadable or foreign → VAULT_CORRUPT. */
export function readVaultHeader(path: string): VaultHeader {
  if (!existsSync(path)) {
    throw new KeywardError('VAULT_NOT_FOUND', `No vault header at ${path}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // Not swallowed: invalid JSON becomes the typed VAULT_CORRUPT error below.
    throw new KeywardError(
      'VAULT_CORRUPT',
      `The vault header ${path} is not valid JSON; it was left untouched.`,
    );
  }
  const parsed = vaultHeaderSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown';
    throw new KeywardError(
      'VAULT_CORRUPT',
      `${path} is not a Keyward vault header this version understands (${where}); it was left untouched.`,
    );
  }
  return parsed.data;
}

/** Writes a header atomically (old or new survives any crash). */
export function writeVaultHeader(path: string, header: VaultHeader): void {
  writeFileAtomic(path, `${JSON.stringify(vaultHeaderSchema.parse(header), null, 2)}\n`);
}
