// Issue 10 §3.5: lock forgets what it can. The data key goes to SQLite as a Buffer (never a hex
// string, which JavaScript cannot wipe) and is zeroed; the signing key and imported trusted keys
// are dropped. What cannot be wiped is listed in electron/vault/README.md.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRawKey } from '../../../electron/vault/db/open-database.ts';
import type { SqliteDatabase } from '../../../electron/vault/db/sqlite.ts';
import { createTestEngine } from '../../support/temp-engine.ts';

const PASSWORD = 'lock forgets password';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

describe('lock', () => {
  it('drops the cached signing key and the imported trusted keys, and zeroes the data key', async () => {
    const made = await createTestEngine({ password: PASSWORD });
    cleanups.push(made.cleanup);
    const { engine } = made;
    // The service graph of this unlock, held past the lock the way a leaked reference would be.
    const services = made.internals();
    const signing = await services.signingKeys.currentKey(); // cached from now on
    expect(signing.privateKey.asymmetricKeyType).toBe('ed25519');
    await engine.importSharedSecret(randomBytes(32), { label: 'partner HMAC' });
    expect(engine.trustedKeys()).toHaveLength(1);
    const session = (engine.vault as unknown as { session: { dataKey: Buffer } | null }).session;
    const dataKey = session?.dataKey;
    expect(dataKey?.some((byte) => byte !== 0)).toBe(true);

    engine.lock();

    // The old service graph no longer hands out the private key: it is gone with the database.
    await expect(services.signingKeys.currentKey()).rejects.toThrow();
    expect(services.decoder.trustedKeys()).toEqual([]);
    expect(dataKey?.every((byte) => byte === 0)).toBe(true);
  });
});

describe('applyRawKey', () => {
  it('hands the key as a Buffer, never as text, and zeroes its own copy afterwards', () => {
    const key = randomBytes(32);
    const seen: Buffer[] = [];
    const fake = {
      key: (argument: Buffer) => {
        seen.push(argument);
        expect(argument.subarray(4).equals(key)).toBe(true);
        return 0;
      },
      pragma: () => {
        throw new Error('the key must not go through a PRAGMA string');
      },
    } as unknown as SqliteDatabase;
    applyRawKey(fake, key, 'key');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.every((byte) => byte === 0)).toBe(true);
    expect(key.some((byte) => byte !== 0)).toBe(true); // the caller's key is the caller's to zero
  });
});
