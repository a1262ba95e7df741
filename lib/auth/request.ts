import type { Store } from '../../db';
import type { User } from '../../db/auth';
import { getConfig } from '../config';
import { AppError } from '../errors';
import { clientOf } from '../http/client';
import { ensureAccountFromEnv, userForSession } from './accounts';
import { hashSecret, secretsEqual } from './secrets';

export const SESSION_COOKIE = 'upbeat_session';

/** What a request may do: read the dashboard and API, or change things too. */
export type Access = 'read' | 'write';

export type Principal =
  | { kind: 'session'; user: User }
  | { kind: 'token'; name: string }
  | { kind: 'public' };

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function bearerOf(req: Request): string | undefined {
  const h = req.headers.get('authorization');
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
}

/**
 * A cookie-authenticated change must come from our own pages: browsers send `Sec-Fetch-Site` and `Origin`, and a
 * cross-site form or fetch shows itself in either. (SameSite=Lax already keeps the cookie off cross-site POSTs;
 * this also covers same-site subdomains and older browsers.)
 */
export function isCrossSite(req: Request): boolean {
  const site = req.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.get('origin');
  if (!origin) return false;
  const host = clientOf(req).host;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

/**
 * Decides whether a request may do what it asks. A bearer token (a token created in the settings page or
 * UPBEAT_API_TOKEN) may read and write; a session cookie may read, and write when the request is not cross-site;
 * no credentials may read only when UPBEAT_PUBLIC_READ is on. Throws 401 (no or bad credentials) or 403
 * (cross-site).
 */
export async function authorize(store: Store, req: Request, access: Access): Promise<Principal> {
  const config = getConfig();
  await ensureAccountFromEnv(store);
  const bearer = bearerOf(req);
  if (bearer !== undefined) {
    if (config.apiToken && secretsEqual(bearer, config.apiToken)) return { kind: 'token', name: 'UPBEAT_API_TOKEN' };
    const token = store.useApiToken(hashSecret(bearer));
    if (token) return { kind: 'token', name: token.name };
    throw new AppError('unauthorized', 'The API token is not valid (wrong or revoked)');
  }
  const user = userForSession(store, readCookie(req.headers.get('cookie'), SESSION_COOKIE));
  if (user) {
    if (access === 'write' && isCrossSite(req)) throw new AppError('forbidden', 'Cross-site request refused');
    return { kind: 'session', user };
  }
  if (access === 'read' && config.publicRead) return { kind: 'public' };
  throw new AppError(
    'unauthorized',
    store.countUsers() === 0 ? 'Create the owner account first at /setup' : 'Log in or send an API token',
  );
}

/**
 * The Set-Cookie value for a new session: Secure when the client's side of the request was https (the socket, or
 * a trusted proxy's X-Forwarded-Proto; see lib/http/client-address.ts).
 */
export function sessionCookie(req: Request, secret: string, maxAgeSeconds: number): string {
  const https = clientOf(req).https;
  const parts = [
    `${SESSION_COOKIE}=${encodeURIComponent(secret)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (https) parts.push('Secure');
  return parts.join('; ');
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}
