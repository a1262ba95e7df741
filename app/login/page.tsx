import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ensureAccountFromEnv, needsSetup } from '@/lib/auth/accounts';
import { safeNextPath } from '@/lib/auth/next-path';
import { currentUser } from '@/app/_server/auth-page';
import { getStore } from '@/lib/store';
import { AuthForm } from '../_components/auth-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Log in' };

/** Notices other pages may ask for with `?notice=`: fixed texts, so a link cannot put words on this page. */
const NOTICES: Record<string, string> = {
  'password-changed': 'Password changed; every session was ended. Log in again.',
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const store = getStore();
  await ensureAccountFromEnv(store);
  if (needsSetup(store)) redirect('/setup');
  const params = await searchParams;
  const next = safeNextPath(params.next);
  if (await currentUser()) redirect(next);
  const notice = typeof params.notice === 'string' ? NOTICES[params.notice] : undefined;
  return (
    <main id="main" className="container auth-page">
      <h1 className="page-title">Log in</h1>
      {notice && (
        <p className="banner banner-success" role="status">
          {notice}
        </p>
      )}
      <AuthForm mode="login" next={next} />
    </main>
  );
}
