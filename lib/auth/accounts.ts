import { z } from 'zod';
import type { Store } from '../../db';
import type { ApiToken, User } from '../../db/auth';
import { getConfig } from '../config';
import { AppError } from '../errors';
import { fieldErrors } from '../schemas';
import type { Client } from '../http/client-address';
import { deviceIdOf, newDeviceToken } from './device';
import { LoginLimits, rateLimited } from './login-limits';
import { FailureLimiter } from './rate-limit';
import { decoyHash, hashPassword, hashSecret, newSecret, verifyPassword } from './secrets';
import { passwordSchema } from './rules';
import { setupAnnouncement, setupCodeMatches } from './setup-code';

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

const setupSchema = credentialsSchema.extend({
  /** The one-time code from the start log; needed unless the browser is on the server's own machine. */
  code: z.string().max(200).optional(),
});

const loginSchema = credentialsSchema.extend({
  // Login must not reveal the password rule, only whether the pair is right.
  password: z.string({ error: 'is required' }).min(1, 'is required').max(1024, 'must be at most 1024 characters'),
});

const passwordChangeSchema = z.strictObject({
  currentPassword: z.string({ error: 'is required' }).min(1, 'is required').max(1024),
  newPassword: credentialsSchema.shape.password,
  /** Also revoke every API token made in Settings (UPBEAT_API_TOKEN is configuration and stays). */
  revokeTokens: z.boolean({ error: 'must be true or false' }).optional(),
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

/** At start: with no account yet, prints the setup link with its one-time code (see lib/auth/setup-code.ts). */
export async function announceSetup(store: Store): Promise<void> {
  await ensureAccountFromEnv(store);
  const { port, host } = getConfig();
  if (needsSetup(store)) console.log(setupAnnouncement(port, host));
}

export interface NewSession {
  secret: string;
  user: User;
  expiresAt: number;
  /** A fresh known-device cookie value for this browser (lib/auth/device.ts). */
  deviceToken: string;
}

function startSession(store: Store, user: User): NewSession {
  const secret = newSecret();
  const expiresAt = Date.now() + SESSION_TTL_MS;
  store.createSession(hashSecret(secret), user.id, expiresAt);
  return { secret, user, expiresAt, deviceToken: newDeviceToken(user) };
}

/**
 * Creates the one account and signs it in. Refused (409) once any account exists, and (403) unless the browser
 * is on the server's own machine or brings the setup code printed in the start log: until the account exists,
 * whoever reaches /setup first would own the monitor.
 */
export async function setupAccount(store: Store, input: unknown, client: Client): Promise<NewSession> {
  const { username, password, code } = parse(setupSchema, input, 'account');
  if (!needsSetup(store)) throw new AppError('conflict', 'The account already exists; log in instead');
  if (!client.isLocal && !setupCodeMatches(code)) {
    throw new AppError(
      'forbidden',
      "From another machine, open the setup link printed in Upbeat's start log (it carries a one-time code), " +
        'or open /setup on the server itself',
    );
  }
  const user = store.createFirstUser(username, await hashPassword(password));
  if (!user) throw new AppError('conflict', 'The account already exists; log in instead');
  return startSession(store, user);
}

const loginLimits = new LoginLimits();

/**
 * Verifies a user name and password, within the limits of lib/auth/login-limits.ts: a browser with a valid
 * device cookie of the account is limited only by its own failures.
 */
export async function login(
  store: Store,
  input: unknown,
  from: { client: Client; deviceToken: string | undefined },
): Promise<NewSession> {
  const { username, password } = parse(loginSchema, input, 'login');
  const user = store.findUserByName(username);
  const attempt = loginLimits.begin({
    address: from.client.address,
    accountId: user?.id,
    deviceId: user ? deviceIdOf(user, from.deviceToken) : undefined,
  });
  // A missing account costs the same scrypt as a wrong password, so timing does not tell them apart.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) {
    console.warn(`[auth] failed login for ${JSON.stringify(username)} from ${from.client.address}`);
    throw new AppError('unauthorized', 'Wrong user name or password');
  }
  attempt.succeeded();
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

// A stolen session must not become an unlimited oracle for the current password.
const currentPasswordFailures = new FailureLimiter(5, 15 * 60_000);

/**
 * Changes the password and ends EVERY session of the account, this one included; with `revokeTokens: true` also
 * revokes every API token, in the same transaction. Wrong current passwords are limited to 5 in 15 minutes per
 * account, counted before the hash is awaited.
 */
export async function changePassword(store: Store, user: User, input: unknown): Promise<{ revokedTokens: number }> {
  const { currentPassword, newPassword, revokeTokens } = parse(passwordChangeSchema, input, 'password change');
  const key = `user:${user.id}`;
  const wait = currentPasswordFailures.retryAfter(key);
  if (wait > 0) throw rateLimited(wait);
  currentPasswordFailures.fail(key);
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new AppError('validation', 'The current password is wrong', { currentPassword: 'is wrong' });
  }
  currentPasswordFailures.reset(key);
  return store.changePassword(user.id, await hashPassword(newPassword), { revokeTokens: revokeTokens === true });
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
