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

/**
 * A write named a retention policy the database does not have. InfluxDB answers it with a 500,
 * and Telegraf recognises the message and drops the batch rather than retrying.
 */
export class RetentionPolicyNotFoundError extends RustsError {
  constructor(readonly retentionPolicy: string) {
    super('retention_policy_not_found', `retention policy not found: ${retentionPolicy}`);
  }
}

/** Points older than their retention policy keeps; InfluxDB drops them and says so as a partial write. */
export class PointsBeyondRetentionError extends RustsError {
  constructor() {
    super('points_beyond_retention', 'points beyond retention policy');
  }
}
