import { z } from 'zod';
import type { Store } from '../../db';
import type { ApiToken, User } from '../../db/auth';
import { getConfig } from '../config';
import { AppError } from '../errors';
import { fieldErrors } from '../schemas';
import { FailureLimiter } from './rate-limit';
import { decoyHash, hashPassword, hashSecret, newSecret, verifyPassword } from './secrets';
import { passwordSchema } from './rules';

/**
 * The owner's account: one-time setup, login with rate limiting, logout, password change (which ends every
 * session), and API tokens. Secrets are returned once to the caller and stored only as hashes.
 */

export const SESSION_TTL_MS = 30 * 24 * 3600_000;

const credentialsSchema = z.strictObject({
  username: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(64, 'must be at most 64 characters')
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
  password: passwordSchema,
});

const loginSchema = credentialsSchema.extend({
  // Login must not reveal the password rule, only whether the pair is right.
  password: z.string({ error: 'is required' }).min(1, 'is required').max(1024, 'must be at most 1024 characters'),
});

const passwordChangeSchema = z.strictObject({
  currentPassword: z.string({ error: 'is required' }).min(1, 'is required').max(1024),
  newPassword: credentialsSchema.shape.password,
});

const tokenNameSchema = z.strictObject({
  name: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(100, 'must be at most 100 characters')
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
});

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const fields = fieldErrors(r.error);
    throw new AppError(
      'validation',
      `Invalid ${what}: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`,
      fields,
    );
  }
  return r.data;
}

export function needsSetup(store: Store): boolean {
  return store.countUsers() === 0;
}

/** With UPBEAT_ADMIN_PASSWORD set and no account yet, creates `admin` with it (headless installs). */
export async function ensureAccountFromEnv(store: Store): Promise<void> {
  const password = getConfig().adminPassword;
  if (!password || !needsSetup(store)) return;
  store.createFirstUser('admin', await hashPassword(password));
}

export interface NewSession {
  secret: string;
  user: User;
  expiresAt: number;
}

function startSession(store: Store, user: User): NewSession {
  const secret = newSecret();
  const expiresAt = Date.now() + SESSION_TTL_MS;
  store.createSession(hashSecret(secret), user.id, expiresAt);
  return { secret, user, expiresAt };
}

/** Creates the one account and signs it in. Refused (409) once any account exists. */
export async function setupAccount(store: Store, input: unknown): Promise<NewSession> {
  const { username, password } = parse(credentialsSchema, input, 'account');
  if (!needsSetup(store)) throw new AppError('conflict', 'The account already exists; log in instead');
  const user = store.createFirstUser(username, await hashPassword(password));
  if (!user) throw new AppError('conflict', 'The account already exists; log in instead');
  return startSession(store, user);
}

const byAddress = new FailureLimiter(10, 15 * 60_000);
const byAccount = new FailureLimiter(20, 15 * 60_000);

/** Verifies a user name and password; rate-limited per client address and per account. */
export async function login(store: Store, input: unknown, clientAddress: string): Promise<NewSession> {
  const { username, password } = parse(loginSchema, input, 'login');
  const wait = Math.max(byAddress.retryAfter(clientAddress), byAccount.retryAfter(username));
  if (wait > 0) {
    throw new AppError('rate_limited', `Too many failed logins; try again in ${Math.ceil(wait / 1000)} s`);
  }
  const user = store.findUserByName(username);
  // A missing account costs the same scrypt as a wrong password, so timing does not tell them apart.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) {
    byAddress.fail(clientAddress);
    byAccount.fail(username);
    console.warn(`[auth] failed login for ${JSON.stringify(username)} from ${clientAddress}`);
    throw new AppError('unauthorized', 'Wrong user name or password');
  }
  byAddress.reset(clientAddress);
  byAccount.reset(username);
  return startSession(store, user);
}

export function logout(store: Store, secret: string | undefined): void {
  if (secret) store.deleteSession(hashSecret(secret));
}

/** The user a session cookie belongs to, if it is live. */
export function userForSession(store: Store, secret: string | undefined): User | undefined {
  if (!secret) return undefined;
  return store.sessionUser(hashSecret(secret));
}

/** Changes the password and ends EVERY session of the account, this one included. */
export async function changePassword(store: Store, user: User, input: unknown): Promise<void> {
  const { currentPassword, newPassword } = parse(passwordChangeSchema, input, 'password change');
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new AppError('validation', 'The current password is wrong', { currentPassword: 'is wrong' });
  }
  store.changePassword(user.id, await hashPassword(newPassword));
}

export const TOKEN_PREFIX = 'upb_';

/** Creates an API token; the secret is returned here once and never again. */
export function createApiToken(store: Store, input: unknown): { token: ApiToken; secret: string } {
  const { name } = parse(tokenNameSchema, input, 'token');
  const secret = newSecret(TOKEN_PREFIX);
  const token = store.createApiToken(name, hashSecret(secret), secret.slice(0, TOKEN_PREFIX.length + 6));
  return { token, secret };
}

export function revokeApiToken(store: Store, id: number): void {
  if (!store.revokeApiToken(id)) throw new AppError('not_found', `No active token with id ${id}`);
}
