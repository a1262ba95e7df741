import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { requireViewer } from '@/app/_server/auth-page';
import { AccountSettings } from '../_components/account-settings';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const viewer = await requireViewer('/settings');
  if (!viewer.user) redirect('/login?next=%2Fsettings');
  return (
    <main id="main" className="container">
      <h1 className="page-title">Settings</h1>
      <p>
        <Link href="/settings/notifications">Notifications</Link>
      </p>
      <p>
        <Link href="/settings/status-pages">Status pages</Link>
      </p>
      <p>
        <Link href="/settings/storage">Storage and retention</Link>
      </p>
      <p>
        <Link href="/settings/import">Import from Uptime Kuma or Gatus</Link>
      </p>
      <AccountSettings username={viewer.user.username} />
    </main>
  );
}
