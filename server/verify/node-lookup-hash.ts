import { createHash, hash } from 'node:crypto';

/**
 * The lookup hash of `shared/keys/lookup-hash.ts` (lowercase hex SHA-256 of the key's UTF-8),
 * computed with node's native SHA-256 for the server's hot path. Checked against
 * `LOOKUP_HASH_VECTORS` in the tests.
 */
export function nodeLookupHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * The same SHA-256 as 32 bytes in a latin1 string: what the server's index is keyed by
 * (`KeyIndex.lookupDigest`). One native call, no hash object, half the characters of the hex.
 */
export function nodeLookupDigest(key: string): string {
  return hash('sha256', key, 'binary'); // 'binary' is latin1
}
