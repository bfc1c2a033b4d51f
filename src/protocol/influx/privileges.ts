/**
 * What each InfluxQL statement requires of its caller, as influxd 1.6 decides it: a privilege on a
 * database, or admin. InfluxDB checks every statement of a query this way before it runs any of
 * them, so a query with one forbidden statement changes nothing.
 */
import { namedDatabase, type SelectStatement, type Statement } from '../../query/influxql/index.ts';

export type Requirement = { readonly database: string; readonly access: 'read' | 'write' } | { readonly admin: true };

const ADMIN: Requirement = { admin: true };

/**
 * The requirements of `stmt`, whose unqualified names belong to `defaultDatabase` (the `db`
 * parameter). A statement that names no database needs none: it fails on its own when it runs.
 * The user and privilege statements are left to the user store, which knows the bootstrap rule.
 */
export function requirements(stmt: Statement, defaultDatabase: string | undefined): Requirement[] {
  const on = (database: string | undefined, access: 'read' | 'write'): Requirement[] =>
    database === undefined || database === '' ? [] : [{ database, access }];
  switch (stmt.kind) {
    case 'select':
      return selectRequirements(stmt, defaultDatabase);
    case 'explain':
      return selectRequirements(stmt.statement, defaultDatabase);
    case 'showMeasurements':
    case 'showRetentionPolicies':
      return on(stmt.database ?? defaultDatabase, 'read');
    case 'showTagKeys':
    case 'showTagValues':
    case 'showFieldKeys':
    case 'showSeries':
    case 'showCardinality':
      return on(stmt.database ?? namedDatabase(stmt.sources) ?? defaultDatabase, 'read');
    case 'showContinuousQueries':
    case 'showQueries':
      return on(defaultDatabase, 'read');
    case 'dropSeries':
    case 'delete':
      return on(namedDatabase(stmt.sources) ?? defaultDatabase, 'write');
    case 'dropRetentionPolicy':
    case 'dropContinuousQuery':
      return on(stmt.database, 'write');
    case 'createDatabase':
    case 'dropDatabase':
    case 'createRetentionPolicy':
    case 'alterRetentionPolicy':
    case 'dropMeasurement':
    case 'dropShard':
    case 'showShards':
    case 'showShardGroups':
    case 'showSubscriptions':
    case 'showStats':
    case 'showDiagnostics':
    case 'killQuery':
      return [ADMIN];
    case 'showDatabases':
    case 'showUsers':
    case 'showGrants':
    case 'createUser':
    case 'dropUser':
    case 'setPassword':
    case 'grant':
    case 'revoke':
      return [];
  }
}

/** READ on every database a SELECT reads (its subqueries' too), WRITE on its INTO target's. */
function selectRequirements(stmt: SelectStatement, defaultDatabase: string | undefined): Requirement[] {
  const out: Requirement[] = [];
  const add = (r: Requirement) => {
    if (!out.some((o) => !('admin' in o) && !('admin' in r) && o.database === r.database && o.access === r.access)) out.push(r);
  };
  for (const source of stmt.sources) {
    if (source.kind === 'subquery') selectRequirements(source.statement, defaultDatabase).forEach(add);
    else {
      const database = source.database ?? defaultDatabase;
      if (database !== undefined && database !== '') add({ database, access: 'read' });
    }
  }
  const target = stmt.into?.database ?? defaultDatabase;
  if (stmt.into !== undefined && target !== undefined && target !== '') add({ database: target, access: 'write' });
  return out;
}
