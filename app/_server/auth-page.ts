import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { User } from '@/db/auth';
import { ensureAccountFromEnv, needsSetup, userForSession } from '@/lib/auth/accounts';
import { SESSION_COOKIE } from '@/lib/auth/request';
import { getConfig } from '@/lib/config';
import { getStore } from '@/lib/store';

export interface Viewer {
  user: User | null;
  /** True when the viewer may change things (logged in); false for a public read-only visitor. */
  canWrite: boolean;
}

/**
 * For server pages: who is looking. Sends a first visitor with no account yet to /setup, and anyone without a
 * session to /login (unless UPBEAT_PUBLIC_READ makes the read-only pages public).
 */
export async function requireViewer(path: string): Promise<Viewer> {
  const store = getStore();
  await ensureAccountFromEnv(store);
  if (needsSetup(store)) redirect('/setup');
  const user = userForSession(store, (await cookies()).get(SESSION_COOKIE)?.value);
  if (user) return { user, canWrite: true };
  if (getConfig().publicRead) return { user: null, canWrite: false };
  redirect(`/login?next=${encodeURIComponent(path)}`);
}

/** The viewer when the page may be shown, else null; never redirects (for metadata). */
export async function peekViewer(): Promise<Viewer | null> {
  const store = getStore();
  const user = userForSession(store, (await cookies()).get(SESSION_COOKIE)?.value);
  if (user) return { user, canWrite: true };
  if (!needsSetup(store) && getConfig().publicRead) return { user: null, canWrite: false };
  return null;
}

/** The viewer if any, without redirecting (login and setup pages). */
export async function currentUser(): Promise<User | undefined> {
  return userForSession(getStore(), (await cookies()).get(SESSION_COOKIE)?.value);
}

/** The CSP nonce of this request (set by proxy.ts), for our own inline script. */
export async function cspNonce(): Promise<string | undefined> {
  return (await headers()).get('x-nonce') ?? undefined;
}
