// Authentication (who sent a request) and authorization (what they may do), for every adapter.
export {
  authenticate,
  authorize,
  requireAdmin,
  principalOf,
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
