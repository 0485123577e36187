import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The throwaway PostgreSQL cluster `scripts/with-postgres.sh` started (`npm test` runs every test
 * under it), or undefined when the tests run without it. Server tests call {@link requirePostgres}.
 */
export const POSTGRES_URL: string | undefined = process.env.KEYWARD_TEST_DATABASE_URL || undefined;

/**
 * True when PostgreSQL tests can run. Without a cluster they are skipped, unless
 * `KEYWARD_REQUIRE_POSTGRES=1` (set by `scripts/test.sh`), which makes a missing cluster a failure.
 */
export function postgresAvailable(): boolean {
  if (POSTGRES_URL === undefined && process.env.KEYWARD_REQUIRE_POSTGRES === '1') {
    throw new Error('KEYWARD_TEST_DATABASE_URL is not set: run the tests under scripts/with-postgres.sh');
  }
  return POSTGRES_URL !== undefined;
}

/** Creates a new, empty database on the test cluster and resolves to its URL. */
export async function freshPostgresDatabase(): Promise<string> {
  if (POSTGRES_URL === undefined) {
    throw new Error('no test PostgreSQL cluster (scripts/with-postgres.sh)');
  }
  const name = `kw_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
