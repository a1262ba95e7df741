import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { ensureAccountFromEnv, needsSetup } from '@/lib/auth/accounts';
import { getStore } from '@/lib/store';
import { AuthForm } from '../_components/auth-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Set up' };

export default async function SetupPage() {
  const store = getStore();
  await ensureAccountFromEnv(store);
  if (!needsSetup(store)) redirect('/login');
  return (
    <main id="main" className="container auth-page">
      <h1 className="page-title">Welcome to Upbeat</h1>
      <p>Create the owner&apos;s account. Only this account can add, change or remove sites.</p>
      <AuthForm mode="setup" next="/" />
    </main>
  );
}
