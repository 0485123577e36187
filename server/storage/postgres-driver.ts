import pg from 'pg';
import type { SqlDriver, SqlExecutor } from './sql-driver.ts';

/** PostgreSQL BIGINT (int8) columns read as numbers: every one holds epoch ms, a revision or a count. */
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) =>
    oid === 20
      ? (value: string) => Number(value)
      : (pg.types.getTypeParser(oid, format) as (value: string) => unknown),
};

/** Numbers `?` placeholders as `$1, $2, …` (our SQL never has `?` inside a literal). */
function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    all: async <T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> =>
      (await client.query<T & pg.QueryResultRow>(numbered(sql), params as unknown[])).rows,
    run: async (sql: string, params: readonly unknown[] = []): Promise<number> =>
      (await client.query(numbered(sql), params as unknown[])).rowCount ?? 0,
  };
}

/** The first reconnect of a lost `LISTEN` connection waits this long; each failed one doubles it. */
const LISTEN_RETRY_FIRST_MS = 100;
/** …up to this: a PostgreSQL that stays away is asked once a second. */
const LISTEN_RETRY_MAX_MS = 1000;

/**
 * The PostgreSQL driver (`DATABASE_URL=postgres://…`), for several server instances on one database.
 * A pool for statements and transactions, and one dedicated connection for `LISTEN`, reconnected
 * after a failure — at once (100 ms), then backing off to once a second while PostgreSQL stays away
 * (the revision poll covers what is missed meanwhile; a reconnect catches up at once).
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly maxParams = 60_000;
  private readonly pool: pg.Pool;
  private readonly direct: SqlExecutor;
  private readonly url: string;
  private closed = false;

  /** Connects lazily to `url`. */
  constructor(url: string) {
    this.url = url;
    this.pool = new pg.Pool({
      connectionString: url,
      max: 5,
      types,
      connectionTimeoutMillis: 3000,
      application_name: 'keyward-server',
    });
    // An idle client losing its connection must not crash the process: the next query reports it.
    this.pool.on('error', () => undefined);
    this.direct = executor(this.pool);
  }

  all<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.direct.all<T>(sql, params);
  }

  run(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.direct.run(sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: { snapshot?: boolean }): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    // A checked-out client has no pool listener: PostgreSQL going away mid-transaction (57P01)
    // would be an uncaught 'error' event and end the process. Note it; the query in flight rejects.
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    try {
      await client.query(
        options?.snapshot === true ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN',
      );
      const result = await work(executor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    let retry: NodeJS.Timeout | null = null;
    let retryDelayMs = LISTEN_RETRY_FIRST_MS;
    const connect = async (): Promise<void> => {
      const next = new pg.Client({
        connectionString: this.url,
        types,
        connectionTimeoutMillis: 3000,
        application_name: 'keyward-server-listen',
      });
      const reconnect = (): void => {
        next.removeAllListeners('error');
        next.on('error', () => undefined);
        void next.end().catch(() => undefined);
        if (!stopped && !this.closed && retry === null) {
          retry = setTimeout(() => {
            retry = null;
            void connect();
          }, retryDelayMs);
          retryDelayMs = Math.min(retryDelayMs * 2, LISTEN_RETRY_MAX_MS);
          retry.unref();
        }
      };
      next.on('error', reconnect);
      next.on('end', reconnect);
      next.on('notification', (message) => {
        onMessage(message.payload ?? '');
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${channel}`);
        client = next;
        retryDelayMs = LISTEN_RETRY_FIRST_MS;
        // Whatever was published while we were not listening: let the caller catch up.
        onMessage('');
      } catch {
        reconnect();
      }
    };
    await connect();
    return async () => {
      stopped = true;
      if (retry !== null) {
        clearTimeout(retry);
      }
      const current = client;
      client = null;
      if (current !== null) {
        current.removeAllListeners('end');
        current.removeAllListeners('error');
        current.on('error', () => undefined);
        await current.end().catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.end();
  }
}
