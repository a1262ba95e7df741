import crypto from 'node:crypto';
import type { User } from '../../db/auth';

/**
 * Known devices: a browser that logged in once gets a signed cookie, and a login from it is limited only by its
 * own failures, never by what others do to the account (see lib/auth/login-limits.ts). The signing key comes from
 * the account's password hash, so a password change forgets every device, and nothing new needs storing.
 */

export const DEVICE_COOKIE = 'upbeat_device';
export const DEVICE_TTL_MS = 365 * 24 * 3600_000;

const keyOf = (user: User) => crypto.createHash('sha256').update(`upbeat-device\0${user.passwordHash}`).digest();
const macOf = (user: User, body: string) => crypto.createHmac('sha256', keyOf(user)).update(body).digest('base64url');

/** A new device cookie value for this account: `userId.issuedAt.deviceId.mac`. */
export function newDeviceToken(user: User, now = Date.now()): string {
  const body = `${user.id}.${now}.${crypto.randomBytes(16).toString('base64url')}`;
  return `${body}.${macOf(user, body)}`;
}

/** The device's id when `token` is a live device cookie of this account; undefined otherwise. */
export function deviceIdOf(user: User, token: string | undefined, now = Date.now()): string | undefined {
  const parts = token?.split('.');
  if (!parts || parts.length !== 4) return undefined;
  const [userId, issuedAt, id, mac] = parts as [string, string, string, string];
  if (userId !== String(user.id) || !/^\d{1,15}$/.test(issuedAt)) return undefined;
  const age = now - Number(issuedAt);
  if (age < 0 || age > DEVICE_TTL_MS) return undefined;
  const expected = Buffer.from(macOf(user, `${userId}.${issuedAt}.${id}`));
  const given = Buffer.from(mac);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? id : undefined;
}

/** Sent only to the login route, never readable by scripts. */
export function deviceCookie(value: string, secure: boolean): string {
  const parts = [
    `${DEVICE_COOKIE}=${value}`,
    'Path=/api/auth/login',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${DEVICE_TTL_MS / 1000}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}
