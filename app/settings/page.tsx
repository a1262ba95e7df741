import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { requireViewer } from '@/app/_server/auth-page';
import { AccountSettings } from '../_components/account-settings';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Settings' };

/** The settings that have a page of their own; the account's settings follow on this one. */
const SECTIONS = [
  { href: '/settings/notifications', title: 'Notifications', about: 'Channels told when a site goes down, slows down or comes back.' },
  { href: '/settings/status-pages', title: 'Status pages', about: 'Public pages that show your sites’ health, with incident posts and maintenance.' },
  { href: '/settings/storage', title: 'Storage and retention', about: 'Database size, how long history is kept, and backups.' },
  { href: '/settings/import', title: 'Import', about: 'Bring monitors, notifications and status pages over from Uptime Kuma or Gatus.' },
] as const;

export default async function SettingsPage() {
  const viewer = await requireViewer('/settings');
  if (!viewer.user) redirect('/login?next=%2Fsettings');
  return (
    <main id="main" className="container">
      <h1 className="page-title settings-title">Settings</h1>
      <ul className="settings-sections" aria-label="Settings sections">
        {SECTIONS.map((section) => (
          <li key={section.href} className="panel">
            <h2>
              <Link href={section.href}>{section.title}</Link>
            </h2>
            <p>{section.about}</p>
          </li>
        ))}
      </ul>
      <AccountSettings username={viewer.user.username} />
    </main>
  );
}
