import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { presentChannel } from '@/lib/api/present-channel';
import { listChannels } from '@/lib/channels';
import { requireViewer } from '@/app/_server/auth-page';
import { getStore } from '@/lib/store';
import { Notifications } from './notifications';
import styles from './notifications.module.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Notifications' };

export default async function NotificationsPage() {
  const viewer = await requireViewer('/settings/notifications');
  // Channels say where alerts go and to whom: the owner's, never shown to public readers.
  if (!viewer.user) redirect('/login?next=%2Fsettings%2Fnotifications');
  const store = getStore();
  const health = store.channelHealth();
  const channels = listChannels(store).map((c) => presentChannel(c, health.get(c.id), store.sitesOfChannel(c.id)));
  const sites = store.listSites().map((s) => ({ id: s.id, name: s.name }));
  return (
    <main id="main" className="container subpage">
      <nav className="back-nav">
        <Link href="/settings">← Settings</Link>
      </nav>
      <h1 className={styles.title}>Notifications</h1>
      <Notifications initial={channels} sites={sites} />
    </main>
  );
}
