import { describe, expect, it } from 'vitest';
import { nodeLookupDigest, nodeLookupHash } from '../../../server/verify/node-lookup-hash.ts';
import { generateApiKey } from '../../../shared/keys/key-format.ts';
import { LOOKUP_HASH_VECTORS, lookupHash } from '../../../shared/keys/lookup-hash.ts';

describe("the server's lookup hash (node:crypto)", () => {
  it('matches the shared test vectors and the shared implementation', () => {
    for (const vector of LOOKUP_HASH_VECTORS) {
      expect(nodeLookupHash(vector.key)).toBe(vector.hash);
      expect(Buffer.from(nodeLookupDigest(vector.key), 'latin1').toString('hex')).toBe(vector.hash);
    }
    for (let index = 0; index < 50; index += 1) {
      const key = generateApiKey('cb_');
      expect(nodeLookupHash(key)).toBe(lookupHash(key));
    }
  });
});
