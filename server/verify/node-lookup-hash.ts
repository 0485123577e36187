import { createHash } from 'node:crypto';

/**
 * The lookup hash of `shared/keys/lookup-hash.ts` (lowercase hex SHA-256 of the key's UTF-8),
 * computed with node's native SHA-256 for the server's hot path. Checked against
 * `LOOKUP_HASH_VECTORS` in the tests.
 */
export function nodeLookupHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
