import type { SqliteDatabase as Database } from './sqlite.ts';

/** One schema version. `up` runs inside the transaction that applies every pending migration. */
export interface Migration {
  /** The `user_version` this migration brings the database to (1, 2, 3 …, no gaps). */
  version: number;
  /** A short description for logs and errors. */
  name: string;
  up(db: Database): void;
}
