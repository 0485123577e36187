/**
 * The little SQL surface the storage needs, implemented once per database: embedded SQLite
 * (`sqlite-driver.ts`) and PostgreSQL (`postgres-driver.ts`). SQL is written once with `?`
 * placeholders; the PostgreSQL driver numbers them. Booleans are stored as 0/1 and times as epoch
 * milliseconds (BIGINT) in both, so rows read back the same from either.
 */

/** Runs statements: a driver outside a transaction, or one transaction. */
export interface SqlExecutor {
  /** Rows of a query. */
  all<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** Which SQL dialect a driver speaks. */
export type SqlDialect = 'sqlite' | 'postgres';

/** A database connection (SQLite) or pool (PostgreSQL). */
export interface SqlDriver extends SqlExecutor {
  readonly dialect: SqlDialect;
  /** The most bound parameters one statement may carry (multi-row inserts are chunked by it). */
  readonly maxParams: number;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. With
   * `snapshot: true` it only reads, from one consistent snapshot of the database.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: { snapshot?: boolean }): Promise<T>;
  /**
   * Calls `onMessage` for every notification on `channel` (PostgreSQL `LISTEN`); resolves to a
   * function that stops listening. SQLite has no notifications: it resolves to a no-op and the
   * revision poll does the work.
   */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /** Closes the connection(s). */
  close(): Promise<void>;
}
