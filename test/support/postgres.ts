import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
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

/** A PostgreSQL cluster of one test's own, which it may stop and start. */
export interface OwnPostgresCluster {
  /** The cluster's database URL. */
  url: string;
  /** Stops (`pg_ctl stop`) or starts the cluster, waiting until it is done. */
  control: (action: 'stop' | 'start') => void;
  /** Shuts the cluster down and removes it. */
  close: () => Promise<void>;
}

/**
 * Starts a throwaway cluster of the caller's own under `scripts/with-postgres.sh`
 * (`KEYWARD_PG_FRESH=1`), for tests that stop and start PostgreSQL: stopping the shared cluster
 * would take the other suites down. Resolves once it accepts connections (30 s at most).
 */
export async function startOwnPostgresCluster(): Promise<OwnPostgresCluster> {
  const script = join(import.meta.dirname, '..', '..', 'scripts', 'with-postgres.sh');
  const cluster = spawn(
    'bash',
    [script, 'bash', '-c', 'echo "$KEYWARD_TEST_DATABASE_URL $KEYWARD_TEST_POSTGRES_CTL"; exec sleep 600'],
    { env: { ...process.env, KEYWARD_PG_FRESH: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => cluster.once('exit', resolve));
  const close = async () => {
    if (cluster.exitCode === null && cluster.signalCode === null) {
      cluster.kill('SIGTERM');
    }
    await exited;
    cluster.stdout?.destroy();
  };
  try {
    const [url = '', ctl = ''] = await new Promise<string[]>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('no cluster')), 30_000);
      cluster.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(out.trim().split(' '));
        }
      });
    });
    return { url, control: (action) => execFileSync('bash', [ctl, action]), close };
  } catch (error) {
    await close();
    throw error;
  }
}
