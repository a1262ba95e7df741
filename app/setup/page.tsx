import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ensureAccountFromEnv, needsSetup } from '@/lib/auth/accounts';
import { getStore } from '@/lib/store';
import { AuthForm } from '../_components/auth-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Set up' };

export default async function SetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[]>> }) {
  const store = getStore();
  await ensureAccountFromEnv(store);
  if (!needsSetup(store)) redirect('/login');
  const code = (await searchParams).code;
  return (
    <main id="main" className="container auth-page">
      <h1 className="page-title">Welcome to Upbeat</h1>
      <p>Create the owner&apos;s account. Only this account can add, change or remove sites.</p>
      <AuthForm mode="setup" next="/" setupCode={typeof code === 'string' ? code : undefined} />
    </main>
  );
}
