// Authentication (who sent a request) and authorization (what they may do), for every adapter,
// and the users InfluxQL statements manage.
export {
  authenticate,
  authorize,
  isAuthorized,
  requireAdmin,
  principalOf,
  isBootstrap,
  openPaths,
  DEFAULT_OPEN_PATHS,
  DEFAULT_AUTH_CONFIG,
  UnauthorizedError,
  ForbiddenError,
  type Access,
  type AuthConfig,
  type AuthenticateOptions,
  type AuthState,
  type AuthStats,
  type AuthToken,
  type AuthUser,
  type PathPredicate,
  type Permission,
  type Permissions,
  type Principal,
} from './authenticate.ts';
export { hashPassword, hashToken, newToken, parsePasswordHash, parseTokenHash } from './hashes.ts';
export { UserStore, UserError, USERS_FILE, type Privilege, type UserAccount } from './users.ts';
export { authorizeBootstrap, executeUserStatement, type UserStatement, type UserStatementCaller } from './statements.ts';
