// The package's "exports" hide its bundled typings from NodeNext resolution; tsconfig.node.json maps
// the module name to them, and everything else imports SQLite through this file.
import Sqlite from 'better-sqlite3-multiple-ciphers';

/** An open SQLite3MultipleCiphers connection. */
export type SqliteDatabase = Sqlite.Database;
/** A prepared statement. */
export type SqliteStatement<P extends unknown[] = unknown[], R = unknown> = Sqlite.Statement<P, R>;

/** The SQLite3MultipleCiphers constructor. */
export const SqliteDatabaseConstructor = Sqlite;
