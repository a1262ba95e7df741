import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ensureAccountFromEnv, needsSetup } from '@/lib/auth/accounts';
import { safeNextPath } from '@/lib/auth/next-path';
import { currentUser } from '@/app/_server/auth-page';
import { getStore } from '@/lib/store';
import { AuthForm } from '../_components/auth-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Log in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const store = getStore();
  await ensureAccountFromEnv(store);
  if (needsSetup(store)) redirect('/setup');
  const next = safeNextPath((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <main id="main" className="container auth-page">
      <h1 className="page-title">Log in</h1>
      <AuthForm mode="login" next={next} />
    </main>
  );
}
