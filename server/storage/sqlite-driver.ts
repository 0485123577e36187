import Sqlite from 'better-sqlite3-multiple-ciphers';
import type { SqlDriver, SqlExecutor } from './sql-driver.ts';

type Statement = Sqlite.Statement<unknown[], unknown>;

/**
 * The embedded SQLite driver (a plain, unencrypted file: the server holds no key material). WAL
 * mode, `BEGIN IMMEDIATE` transactions, and one promise queue so a transaction never interleaves
 * with another statement of this process (better-sqlite3 is synchronous, the storage is not).
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly maxParams = 30_000;
  private readonly db: Sqlite.Database;
  private readonly statements = new Map<string, Statement>();
  private queue: Promise<unknown> = Promise.resolve();

  /** Opens (creating) the database file at `file`. */
  constructor(file: string) {
    this.db = new Sqlite(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = OFF');
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[], unknown>(sql);
      if (this.statements.size > 500) {
        this.statements.clear();
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private readonly direct: SqlExecutor = {
    all: <T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> =>
      Promise.resolve(this.statement(sql).all(...(params as unknown[])) as T[]),
    run: (sql: string, params: readonly unknown[] = []): Promise<number> =>
      Promise.resolve(this.statement(sql).run(...(params as unknown[])).changes),
  };

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  all<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.enqueue(() => this.direct.all<T>(sql, params));
  }

  run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.enqueue(() => this.direct.run(sql, params));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: { snapshot?: boolean }): Promise<T> {
    return this.enqueue(async () => {
      this.db.exec(options?.snapshot === true ? 'BEGIN' : 'BEGIN IMMEDIATE');
      try {
        const result = await work(this.direct);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) {
          this.db.exec('ROLLBACK');
        }
        throw error;
      }
    });
  }

  listen(): Promise<() => Promise<void>> {
    return Promise.resolve(() => Promise.resolve());
  }

  close(): Promise<void> {
    return this.enqueue(() => {
      this.db.close();
      return Promise.resolve();
    });
  }
}
