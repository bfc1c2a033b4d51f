// InfluxQL's user management statements, answered from the user store as influxd 1.6.7 answers them.
import type { InfluxSeries } from '../../protocol/influx/index.ts';
import { statementText, type Statement } from '../../query/influxql/index.ts';
import { ForbiddenError, isBootstrap, type Principal } from './authenticate.ts';
import { UserError, type Privilege, type UserStore } from './users.ts';

/** The statements that manage users and their privileges. */
export type UserStatement = Extract<Statement, { kind: 'showUsers' | 'showGrants' | 'createUser' | 'dropUser' | 'setPassword' | 'grant' | 'revoke' }>;

/** Who runs a statement, and what it may refer to. */
export interface UserStatementCaller {
  readonly principal: Principal;
  /** GRANT and REVOKE on a database need it to exist. */
  readonly hasDatabase: (database: string) => boolean;
}

// influxd's texts: clients show them as they are.
const BOOTSTRAP_REFUSED = 'error authorizing query: create admin user first or disable authentication';
const NO_USER = 'error authorizing query: no user provided';

const PRIVILEGE_NAMES: Readonly<Record<Privilege, string>> = { read: 'READ', write: 'WRITE', all: 'ALL PRIVILEGES', none: 'NO PRIVILEGES' };

/**
 * Refuse a query, before any of it runs, that the bootstrap principal may not send: anything but
 * `CREATE USER ... WITH ALL PRIVILEGES`. (influxd lets the rest of a query through once its first
 * statement creates an admin; RusTs requires every statement to.)
 * @throws ForbiddenError (403) with influxd's message
 */
export function authorizeBootstrap(principal: Principal, statements: readonly Statement[]): void {
  if (!isBootstrap(principal)) return;
  if (statements.length === 0 || statements.some((s) => s.kind !== 'createUser' || !s.admin)) throw new ForbiddenError(BOOTSTRAP_REFUSED);
}

/**
 * Run one user statement. What InfluxDB reports in the statement's result ("user not found") is
 * returned as a string; a caller who is no admin gets a ForbiddenError (403), as from influxd.
 */
export async function executeUserStatement(stmt: UserStatement, users: UserStore, caller: UserStatementCaller): Promise<InfluxSeries[] | string> {
  const { principal } = caller;
  let precondition: (() => void) | undefined;
  if (!principal.admin) {
    if (!isBootstrap(principal)) {
      throw new ForbiddenError(`error authorizing query: ${principal.name} not authorized to execute statement '${statementText(stmt)}', requires admin privilege`);
    }
    if (stmt.kind !== 'createUser' || !stmt.admin) throw new ForbiddenError(BOOTSTRAP_REFUSED);
    // Another request may have created the first user since this one was authenticated.
    precondition = () => {
      if (!users.isEmpty()) throw new ForbiddenError(NO_USER);
    };
  }
  try {
    switch (stmt.kind) {
      case 'showUsers':
        return [{ columns: ['user', 'admin'], values: users.list().map((u) => [u.name, u.admin]) }];
      case 'showGrants': {
        const account = users.account(stmt.user);
        if (account === undefined) return 'user not found';
        // influxd lists a Go map, in no particular order; by name is at least stable.
        const rows = [...account.privileges].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([db, p]) => [db, PRIVILEGE_NAMES[p]]);
        return [{ columns: ['database', 'privilege'], values: rows }];
      }
      case 'createUser':
        await users.create(stmt.name, stmt.password, stmt.admin, precondition);
        return [];
      case 'dropUser':
        await users.drop(stmt.name);
        return [];
      case 'setPassword':
        await users.setPassword(stmt.user, stmt.password);
        return [];
      case 'grant':
      case 'revoke':
        if (stmt.database === undefined) {
          // GRANT ALL PRIVILEGES TO u / REVOKE ALL PRIVILEGES FROM u: the admin flag.
          await users.setAdmin(stmt.user, stmt.kind === 'grant');
        } else {
          await users.changePrivilege(stmt.user, stmt.database, stmt.privilege, stmt.kind === 'grant', caller.hasDatabase);
        }
        return [];
    }
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
}
