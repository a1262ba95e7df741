import type { Db } from './connection';

export interface User {
  id: number;
  username: string;
  passwordHash: string;
  passwordChangedAt: number;
  createdAt: number;
}

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  password_changed_at: number;
  created_at: number;
}

interface TokenRow {
  id: number;
  name: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  passwordChangedAt: r.password_changed_at,
  createdAt: r.created_at,
});

const toToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export interface AuthVerbs {
  countUsers(): number;
  /** Creates the one account only when none exists (returns undefined otherwise): setup cannot be replayed. */
  createFirstUser(username: string, passwordHash: string, now?: number): User | undefined;
  findUserByName(username: string): User | undefined;
  getUser(id: number): User | undefined;
  /**
   * Sets a new password hash and ends every session of that user, in one transaction; with `revokeTokens` also
   * revokes every API token. Returns how many tokens it revoked.
   */
  changePassword(userId: number, passwordHash: string, options?: { revokeTokens?: boolean }, now?: number): { revokedTokens: number };
  createSession(idHash: string, userId: number, expiresAt: number, now?: number): void;
  /** The session's user when the session exists and has not expired; refreshes last_seen_at. */
  sessionUser(idHash: string, now?: number): User | undefined;
  deleteSession(idHash: string): void;
  createApiToken(name: string, tokenHash: string, prefix: string, now?: number): ApiToken;
  listApiTokens(): ApiToken[];
  /** The token when it exists and is not revoked; records its use. */
  useApiToken(tokenHash: string, now?: number): ApiToken | undefined;
  revokeApiToken(id: number, now?: number): boolean;
}

export function createAuthVerbs(db: Db): AuthVerbs {
  const countUsers = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM users`);
  const insertUser = db.prepare(
    `INSERT INTO users (username, password_hash, password_changed_at, created_at) VALUES (?, ?, ?, ?)`,
  );
  const byName = db.prepare<[string], UserRow>(`SELECT * FROM users WHERE username = ?`);
  const byId = db.prepare<[number], UserRow>(`SELECT * FROM users WHERE id = ?`);
  const setPassword = db.prepare(`UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?`);
  const endSessions = db.prepare(`DELETE FROM sessions WHERE user_id = ?`);
  const insertSession = db.prepare(
    `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const sessionRow = db.prepare<[string, number], UserRow & { last_seen_at: number }>(
    `SELECT u.*, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id_hash = ? AND s.expires_at > ?`,
  );
  const touchSession = db.prepare(`UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`);
  const deleteSession = db.prepare(`DELETE FROM sessions WHERE id_hash = ?`);
  const purgeExpired = db.prepare(`DELETE FROM sessions WHERE expires_at <= ?`);
  const insertToken = db.prepare(
    `INSERT INTO api_tokens (name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?)`,
  );
  const tokenById = db.prepare<[number], TokenRow>(`SELECT * FROM api_tokens WHERE id = ?`);
  const listTokens = db.prepare<[], TokenRow>(`SELECT * FROM api_tokens ORDER BY id DESC`);
  const tokenByHash = db.prepare<[string], TokenRow>(
    `SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`,
  );
  const touchToken = db.prepare(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`);
  const revokeToken = db.prepare(`UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`);
  const revokeAllTokens = db.prepare(`UPDATE api_tokens SET revoked_at = ? WHERE revoked_at IS NULL`);

  const createFirst = db.transaction((username: string, hash: string, now: number) => {
    if ((countUsers.get()?.n ?? 0) > 0) return undefined;
    const info = insertUser.run(username, hash, now, now);
    const row = byId.get(Number(info.lastInsertRowid));
    return row ? toUser(row) : undefined;
  });
  const change = db.transaction((userId: number, hash: string, revokeTokens: boolean, now: number) => {
    setPassword.run(hash, now, userId);
    endSessions.run(userId);
    return { revokedTokens: revokeTokens ? revokeAllTokens.run(now).changes : 0 };
  });

  return {
    countUsers: () => countUsers.get()?.n ?? 0,
    createFirstUser: (username, hash, now = Date.now()) => createFirst.immediate(username, hash, now),
    findUserByName: (username) => {
      const r = byName.get(username);
      return r ? toUser(r) : undefined;
    },
    getUser: (id) => {
      const r = byId.get(id);
      return r ? toUser(r) : undefined;
    },
    changePassword: (userId, hash, options = {}, now = Date.now()) =>
      change(userId, hash, options.revokeTokens === true, now),
    createSession: (idHash, userId, expiresAt, now = Date.now()) => {
      purgeExpired.run(now);
      insertSession.run(idHash, userId, now, expiresAt, now);
    },
    sessionUser: (idHash, now = Date.now()) => {
      const r = sessionRow.get(idHash, now);
      if (!r) return undefined;
      // Writing on every request would turn reads into writes; a minute's precision is plenty.
      if (now - r.last_seen_at > 60_000) touchSession.run(now, idHash);
      return toUser(r);
    },
    deleteSession: (idHash) => {
      deleteSession.run(idHash);
    },
    createApiToken: (name, hash, prefix, now = Date.now()) => {
      const info = insertToken.run(name, hash, prefix, now);
      return toToken(tokenById.get(Number(info.lastInsertRowid))!);
    },
    listApiTokens: () => listTokens.all().map(toToken),
    useApiToken: (hash, now = Date.now()) => {
      const r = tokenByHash.get(hash);
      if (!r) return undefined;
      if (r.last_used_at === null || now - r.last_used_at > 60_000) touchToken.run(now, r.id);
      return toToken(r);
    },
    revokeApiToken: (id, now = Date.now()) => revokeToken.run(now, id).changes > 0,
  };
}
