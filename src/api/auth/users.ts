import { mkdirDurable, NodeFs, readFileIfExists, writeFileAtomic, type Fs } from '../../storage/index.ts';
import type { AuthConfig, Permission, Principal } from './authenticate.ts';
import { hashPassword, parsePasswordHash, verifyPassword, type PasswordHash } from './hashes.ts';

/**
 * A user's privilege in one database, as InfluxQL's GRANT and REVOKE leave it: `none` is what
 * revoking leaves behind (InfluxDB keeps the entry and shows it as "NO PRIVILEGES").
 */
export type Privilege = 'read' | 'write' | 'all' | 'none';

/** One user as authentication sees it. */
export interface UserAccount {
  readonly principal: Principal;
  /**
   * The parsed password hash. A new password gets a new object, so that a cached successful check
   * can tell it was made against the hash the account has now.
   */
  readonly hash: PasswordHash;
  /** From `[[auth.users]]`: statements may not change it. */
  readonly fromConfig: boolean;
  /** Per database, in the order granted; what SHOW GRANTS lists. */
  readonly privileges: ReadonlyMap<string, Privilege>;
}

/** What a user statement cannot do, in InfluxDB's words where it has them ("user not found"). */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** The file in the data directory that holds the users created by statements. */
export const USERS_FILE = 'users.json';
const FORMAT = 'rusts-users';
const VERSION = 1;

// InfluxDB's wording: clients (Chronograf, scripts) match it.
const NOT_FOUND = 'user not found';
const EXISTS = 'user already exists';
const NAME_REQUIRED = 'username required';

const BITS: Readonly<Record<Privilege, number>> = { none: 0, read: 1, write: 2, all: 3 };
const BY_BITS: readonly Privilege[] = ['none', 'read', 'write', 'all'];

/** A user created by a statement, as persisted. */
interface StoredUser {
  readonly name: string;
  readonly passwordHash: string;
  readonly admin: boolean;
  readonly privileges: ReadonlyMap<string, Privilege>;
}

/** Where the store persists itself; absent for a store that lives in memory only. */
interface Storage {
  readonly fs: Fs;
  readonly dir: string;
}

/**
 * The users RusTs knows: those of the `[auth]` config section (read-only) and those that InfluxQL
 * statements create (CREATE USER ...), persisted in `<data dir>/users.json`. A config user shadows
 * a stored user of the same name. Reads are synchronous and see every completed change; changes
 * run one at a time and are on disk (atomic replace, fsync) before they take effect.
 */
export class UserStore {
  private readonly config: AuthConfig;
  private readonly storage: Storage | undefined;
  private readonly configAccounts = new Map<string, UserAccount>();
  /** Insertion-ordered: SHOW USERS lists users in the order they were created, as influxd does. */
  private stored = new Map<string, StoredUser>();
  private readonly storedAccounts = new Map<string, UserAccount>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(config: AuthConfig, storage: Storage | undefined) {
    this.config = config;
    this.storage = storage;
    for (const user of config.users) {
      const privileges = new Map<string, Privilege>(user.permissions);
      this.configAccounts.set(user.name, { principal: principal(user.name, user.admin, privileges), hash: parsePasswordHash(user.passwordHash), fromConfig: true, privileges });
    }
  }

  /** A store of the config's users only that keeps what statements change in memory (tests, embedded use). */
  static inMemory(config: AuthConfig): UserStore {
    return new UserStore(config, undefined);
  }

  /**
   * Load the users that statements created from `dir/users.json` (none when the file is missing).
   * @throws Error saying what is wrong in the file (`users[2].admin: expected true or false`); an I/O error as the Fs throws it
   */
  static async open(config: AuthConfig, dir: string, fs: Fs = new NodeFs()): Promise<UserStore> {
    const store = new UserStore(config, { fs, dir });
    const bytes = await readFileIfExists(fs, `${dir}/${USERS_FILE}`);
    if (bytes !== undefined) {
      store.stored = decode(Buffer.from(bytes).toString('utf8'));
      for (const user of store.stored.values()) store.storedAccounts.set(user.name, accountOf(user, parsePasswordHash(user.passwordHash)));
    }
    return store;
  }

  /** The user named `name`, config users first. */
  account(name: string): UserAccount | undefined {
    return this.configAccounts.get(name) ?? this.storedAccounts.get(name);
  }

  /** Every user with its admin flag: config users, then stored users in the order they were created. */
  list(): Array<{ readonly name: string; readonly admin: boolean }> {
    const out = [...this.configAccounts.values()].map((a) => ({ name: a.principal.name, admin: a.principal.admin }));
    for (const user of this.stored.values()) if (!this.configAccounts.has(user.name)) out.push({ name: user.name, admin: user.admin });
    return out;
  }

  /** No user and no token at all: InfluxDB's bootstrap state, where only creating an admin is allowed. */
  isEmpty(): boolean {
    return this.configAccounts.size === 0 && this.stored.size === 0 && this.config.tokens.length === 0;
  }

  /** Whether some user or token is an admin. */
  adminExists(): boolean {
    return this.config.tokens.some((t) => t.admin) || [...this.configAccounts.values(), ...this.storedAccounts.values()].some((a) => a.principal.admin);
  }

  /**
   * CREATE USER. Creating a user that exists with the same password and admin flag does nothing,
   * as in InfluxDB; any difference is "user already exists".
   * @param precondition checked once no other change can interleave (the bootstrap rule)
   */
  async create(name: string, password: string, admin: boolean, precondition?: () => void): Promise<void> {
    if (name === '') throw new UserError(NAME_REQUIRED);
    const passwordHash = await hashPassword(password);
    await this.change(async () => {
      precondition?.();
      const existing = this.account(name);
      if (existing !== undefined) {
        if (existing.principal.admin === admin && (await verifyPassword(password, existing.hash))) return;
        throw new UserError(EXISTS);
      }
      const user: StoredUser = { name, passwordHash, admin, privileges: new Map() };
      await this.commit(new Map([[name, user]]));
    });
  }

  /** DROP USER. */
  async drop(name: string): Promise<void> {
    await this.change(async () => {
      const user = this.storedUser(name);
      if (user.admin) this.keepAnAdmin(name);
      await this.commit(new Map([[name, undefined]]));
    });
  }

  /** SET PASSWORD FOR. */
  async setPassword(name: string, password: string): Promise<void> {
    this.storedUser(name); // "user not found" before the 50 ms of hashing
    const passwordHash = await hashPassword(password);
    await this.change(async () => {
      const user = this.storedUser(name);
      await this.commit(new Map([[name, { ...user, passwordHash }]]));
    });
  }

  /** GRANT ALL PRIVILEGES TO (true) and REVOKE ALL PRIVILEGES FROM (false). */
  async setAdmin(name: string, admin: boolean): Promise<void> {
    await this.change(async () => {
      const user = this.storedUser(name);
      if (user.admin && !admin) this.keepAnAdmin(name);
      await this.commit(new Map([[name, { ...user, admin }]]));
    });
  }

  /**
   * GRANT (`grant` true: the privilege replaces the one held, as in InfluxDB) or REVOKE (the
   * privilege is taken away from the one held, leaving at least "none") on one database.
   * @param hasDatabase InfluxDB checks the user first, then that the database exists
   */
  async changePrivilege(name: string, database: string, privilege: Exclude<Privilege, 'none'>, grant: boolean, hasDatabase: (db: string) => boolean): Promise<void> {
    await this.change(async () => {
      const user = this.storedUser(name);
      if (!hasDatabase(database)) throw new UserError(`database not found: ${database}`);
      const held = user.privileges.get(database) ?? 'none';
      const next = grant ? privilege : BY_BITS[BITS[held] & ~BITS[privilege]]!;
      const privileges = new Map(user.privileges);
      privileges.set(database, next);
      await this.commit(new Map([[name, { ...user, privileges }]]));
    });
  }

  /** A dropped database takes every user's privileges on it along (InfluxDB's rule), so that re-creating it grants nothing. */
  async forgetDatabase(database: string): Promise<void> {
    await this.change(async () => {
      const changes = new Map<string, StoredUser>();
      for (const user of this.stored.values()) {
        if (!user.privileges.has(database)) continue;
        const privileges = new Map(user.privileges);
        privileges.delete(database);
        changes.set(user.name, { ...user, privileges });
      }
      if (changes.size > 0) await this.commit(changes);
    });
  }

  /** Changes run one at a time: each sees the previous one's result, and its checks hold until it commits. */
  private change(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The stored user `name`; the errors say when there is none or it belongs to the config file. */
  private storedUser(name: string): StoredUser {
    if (this.configAccounts.has(name)) throw new UserError(`user "${name}" is defined in the config file ([[auth.users]]): change it there`);
    const user = this.stored.get(name);
    if (user === undefined) throw new UserError(NOT_FOUND);
    return user;
  }

  /** With auth on, the last admin stays: without one nobody could manage users (InfluxDB locks itself out). */
  private keepAnAdmin(name: string): void {
    if (!this.config.enabled) return;
    const others = this.config.tokens.some((t) => t.admin) || [...this.configAccounts.values(), ...this.storedAccounts.values()].some((a) => a.principal.admin && a.principal.name !== name);
    if (!others) throw new UserError(`cannot remove the last admin user "${name}" while authentication is enabled: create another admin first`);
  }

  /** Persist the store with each named user replaced (removed when undefined), then make the change visible. */
  private async commit(changes: ReadonlyMap<string, StoredUser | undefined>): Promise<void> {
    const next = new Map(this.stored);
    for (const [name, user] of changes) {
      if (user === undefined) next.delete(name);
      else next.set(name, user);
    }
    if (this.storage !== undefined) {
      const { fs, dir } = this.storage;
      await mkdirDurable(fs, dir);
      await writeFileAtomic(fs, dir, USERS_FILE, Buffer.from(encode(next), 'utf8'));
    }
    const before = this.stored;
    this.stored = next;
    for (const [name, user] of changes) {
      if (user === undefined) {
        this.storedAccounts.delete(name);
        continue;
      }
      // The same hash object while the password is unchanged keeps the user's cached checks valid;
      // a new password (or a new user) gets a new one, which no cached check was made against.
      const previous = this.storedAccounts.get(name);
      const hash = previous !== undefined && before.get(name)?.passwordHash === user.passwordHash ? previous.hash : parsePasswordHash(user.passwordHash);
      this.storedAccounts.set(name, accountOf(user, hash));
    }
  }
}

function accountOf(user: StoredUser, hash: PasswordHash): UserAccount {
  return { principal: principal(user.name, user.admin, user.privileges), hash, fromConfig: false, privileges: user.privileges };
}

function principal(name: string, admin: boolean, privileges: ReadonlyMap<string, Privilege>): Principal {
  const permissions = new Map<string, Permission>();
  for (const [db, p] of privileges) if (p !== 'none') permissions.set(db, p);
  return Object.freeze({ kind: 'user', name, admin, permissions });
}

function encode(users: ReadonlyMap<string, StoredUser>): string {
  const entries = [...users.values()].map((u) => ({ name: u.name, password_hash: u.passwordHash, admin: u.admin, privileges: Object.fromEntries(u.privileges) }));
  return `${JSON.stringify({ format: FORMAT, version: VERSION, users: entries }, null, 2)}\n`;
}

/** @throws Error saying which entry and key is wrong */
function decode(text: string): Map<string, StoredUser> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(doc) || doc['format'] !== FORMAT) throw new Error(`expected a JSON object with "format": "${FORMAT}"`);
  if (doc['version'] !== VERSION) throw new Error(`unsupported version ${JSON.stringify(doc['version'])}: this server reads version ${VERSION}`);
  const list = doc['users'];
  if (!Array.isArray(list)) throw new Error('"users": expected an array');
  const users = new Map<string, StoredUser>();
  list.forEach((entry: unknown, i) => {
    const at = `users[${i}]`;
    if (!isObject(entry)) throw new Error(`${at}: expected an object`);
    const { name, password_hash: passwordHash, admin, privileges } = entry;
    if (typeof name !== 'string' || name === '') throw new Error(`${at}.name: expected a non-empty string`);
    if (users.has(name)) throw new Error(`${at}.name: "${name}" is used twice`);
    if (typeof passwordHash !== 'string') throw new Error(`${at}.password_hash: expected a string`);
    try {
      parsePasswordHash(passwordHash);
    } catch (err) {
      throw new Error(`${at}.password_hash: ${(err as Error).message}`);
    }
    if (typeof admin !== 'boolean') throw new Error(`${at}.admin: expected true or false`);
    if (!isObject(privileges)) throw new Error(`${at}.privileges: expected an object`);
    const map = new Map<string, Privilege>();
    for (const [db, p] of Object.entries(privileges)) {
      if (typeof p !== 'string' || !(p in BITS)) throw new Error(`${at}.privileges.${JSON.stringify(db)}: expected "read", "write", "all" or "none"`);
      map.set(db, p as Privilege);
    }
    users.set(name, { name, passwordHash, admin, privileges: map });
  });
  return users;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

