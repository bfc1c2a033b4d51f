import { RustsError } from '../core/index.ts';

/** A write or query named a database that does not exist (InfluxDB's wording). */
export class DatabaseNotFoundError extends RustsError {
  constructor(readonly database: string) {
    super('database_not_found', `database not found: "${database}"`);
  }
}

/** A database name that cannot be stored: empty, too long, or with control characters. */
export class InvalidDatabaseNameError extends RustsError {
  constructor(name: string, reason: string) {
    super('invalid_database_name', `invalid database name ${JSON.stringify(name)}: ${reason}`);
  }
}
