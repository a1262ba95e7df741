import type { Metadata } from 'next';
import Link from 'next/link';
import { requireViewer } from '@/app/_server/auth-page';
import { ImportForm } from './import-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Import' };

/** Settings → Import: bring monitors, notifications and status pages over from Uptime Kuma or Gatus. */
export default async function ImportPage() {
  await requireViewer('/settings/import');
  return (
    <main id="main" className="container subpage">
      <nav className="back-nav">
        <Link href="/settings">← Settings</Link>
      </nav>
      <h1 className="page-title">Import</h1>
      <p>
        From Uptime Kuma: its database (<code>data/kuma.db</code>, 1.x or 2.x) or a backup exported under Settings → Backup
        (1.x). From Gatus: its <code>config.yaml</code>. You see what would be created and what cannot be carried over
        before anything is written; nothing is ever deleted.
      </p>
      <ImportForm />
    </main>
  );
}
