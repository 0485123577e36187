import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { ActivityLog } from '../audit/activity-log.ts';
import type { Clock } from '../clock.ts';
import { KeywardError } from '../../../shared/errors.ts';
import type { SqliteDatabase } from '../db/sqlite.ts';

const HOUR_MS = 3_600_000;

/** A public key as a JWKS lists it. */
export interface PublicJwk extends JWK {
  kid: string;
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** A JSON Web Key Set. */
export interface Jwks {
  keys: PublicJwk[];
}

interface SigningKeyRow {
  kid: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  retired_at: number | null;
  last_secret_expires_at: number | null;
}

/** The current signing key, ready to sign. */
export interface CurrentSigningKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * The vault's Ed25519 Secret-signing keys. One is current; rotating retires it, and a retired key's
 * public half stays in the JWKS until the last Secret it signed has expired. Private keys live only
 * in the encrypted database; imported KeyObjects are cached for speed.
 */
export class SigningKeys {
  private readonly db: SqliteDatabase;
  private readonly clock: Clock;
  private readonly log: ActivityLog;
  private current: CurrentSigningKey | null = null;
  private readonly publicKeys = new Map<string, KeyObject>();
  private readonly notedExpiry = new Map<string, number>();
  private readonly published;
  private readonly publishedKid;
  private readonly currentKid;

  constructor(db: SqliteDatabase, clock: Clock, log: ActivityLog) {
    this.db = db;
    this.clock = clock;
    this.log = log;
    const publishedWhere =
      'retired_at IS NULL OR (last_secret_expires_at IS NOT NULL AND last_secret_expires_at > @now)';
    this.published = db.prepare(
      `SELECT public_jwk FROM signing_keys WHERE ${publishedWhere} ORDER BY created_at DESC`,
    );
    this.publishedKid = db.prepare(`SELECT 1 FROM signing_keys WHERE kid = @kid AND (${publishedWhere})`);
    this.currentKid = db.prepare('SELECT kid FROM signing_keys WHERE retired_at IS NULL');
  }

  /**
   * The current signing key, created on first use. Another process on the vault (the app and the
   * CLI side by side) may have rotated it or made the first one: the cached key is used only while
   * its kid is still the current one (one indexed read), and two processes making the first key at
   * once end with one, which both use.
   */
  async currentKey(): Promise<CurrentSigningKey> {
    const currentKid = this.currentKid.get() as { kid: string } | undefined;
    if (this.current !== null && this.current.kid === currentKid?.kid) {
      return this.current;
    }
    this.current = null;
    let row = this.currentRow();
    if (!row) {
      this.insertRow(await this.prepareNew(), { ifNoneCurrent: true });
      row = this.currentRow();
    }
    if (!row) {
      throw new KeywardError('INTERNAL', 'The vault has no current signing key and could not make one.');
    }
    this.current = {
      kid: row.kid,
      privateKey: createPrivateKey({ key: JSON.parse(row.private_jwk) as JWK, format: 'jwk' }),
    };
    return this.current;
  }

  /**
   * Records that a Secret signed by `kid` lives until `expiresAt` (keeps the public key published).
   * Stored rounded up to the next hour and only when that moves it, so minting does not write to the
   * database each time; a retired key is published at most an hour longer than strictly needed.
   */
  noteSecretExpiry(kid: string, expiresAt: number): void {
    const rounded = Math.ceil(expiresAt / HOUR_MS) * HOUR_MS;
    if ((this.notedExpiry.get(kid) ?? 0) >= rounded) {
      return;
    }
    this.db
      .prepare(
        'UPDATE signing_keys SET last_secret_expires_at = max(coalesce(last_secret_expires_at, 0), ?) WHERE kid = ?',
      )
      .run(rounded, kid);
    this.notedExpiry.set(kid, rounded);
  }

  /** Retires the current key and makes a new one current. */
  async rotate(options: { actor: string }): Promise<string> {
    const now = this.clock.now();
    const fresh = await this.prepareNew();
    this.db
      .transaction(() => {
        this.db.prepare('UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL').run(now);
        this.insertRow(fresh);
        this.log.append({
          actor: options.actor,
          action: 'signing-key.rotate',
          outcome: 'success',
          details: { kid: fresh.kid },
        });
      })
      .immediate();
    this.current = null;
    return fresh.kid;
  }

  /**
   * Drops the cached private key and the cached public keys (on lock). The private KeyObject lives
   * in OpenSSL's memory until the garbage collector frees it; without this reference it can.
   */
  forget(): void {
    this.current = null;
    this.publicKeys.clear();
    this.notedExpiry.clear();
  }

  /** Public keys that verifiers need now: the current key and retired keys with unexpired Secrets. */
  jwks(now = this.clock.now()): Jwks {
    const rows = this.published.all({ now }) as { public_jwk: string }[];
    return { keys: rows.map((row) => JSON.parse(row.public_jwk) as PublicJwk) };
  }

  /** Whether `kid` is in the JWKS now (what {@link jwks} would list). */
  isPublished(kid: string, now = this.clock.now()): boolean {
    return this.publishedKid.get({ kid, now }) !== undefined;
  }

  /** The public key for `kid` if the vault ever had it (retired or not), else null. */
  publicKey(kid: string): KeyObject | null {
    const cached = this.publicKeys.get(kid);
    if (cached) {
      return cached;
    }
    const row = this.db.prepare('SELECT public_jwk FROM signing_keys WHERE kid = ?').get(kid) as
      { public_jwk: string } | undefined;
    if (!row) {
      return null;
    }
    const key = createPublicKey({ key: JSON.parse(row.public_jwk) as JWK, format: 'jwk' });
    this.publicKeys.set(kid, key);
    return key;
  }

  private async prepareNew(): Promise<SigningKeyRow> {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    // jose loads only here (a new signing key), never on an unlock that does not make one.
    const { calculateJwkThumbprint } = await import('jose');
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    const published: PublicJwk = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: String(publicJwk.x),
      kid,
      alg: 'EdDSA',
      use: 'sig',
    };
    return {
      kid,
      private_jwk: JSON.stringify(privateKey.export({ format: 'jwk' })),
      public_jwk: JSON.stringify(published),
      created_at: this.clock.now(),
      retired_at: null,
      last_secret_expires_at: null,
    };
  }

  private currentRow(): SigningKeyRow | undefined {
    return this.db.prepare('SELECT * FROM signing_keys WHERE retired_at IS NULL').get() as
      SigningKeyRow | undefined;
  }

  /**
   * Inserts a signing key. `ifNoneCurrent`: only if no key is current by then (another process may
   * have made one meanwhile: the one-current index then ignores this one).
   */
  private insertRow(row: SigningKeyRow, options: { ifNoneCurrent?: boolean } = {}): void {
    this.db
      .prepare(
        `INSERT ${options.ifNoneCurrent === true ? 'OR IGNORE ' : ''}INTO signing_keys
           (kid, private_jwk, public_jwk, created_at, retired_at, last_secret_expires_at)
         VALUES (@kid, @private_jwk, @public_jwk, @created_at, @retired_at, @last_secret_expires_at)`,
      )
      .run(row);
  }
}
