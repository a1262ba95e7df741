import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { requireViewer } from '@/app/_server/auth-page';
import { StatusPageList } from '@/app/_components/status-pages/status-page-list';
import { listPages } from '@/lib/status/pages';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Status pages' };

export default async function StatusPagesPage() {
  const viewer = await requireViewer('/settings/status-pages');
  // Managing pages is the owner's: a public reader sees the pages themselves, at /status/{slug}.
  if (!viewer.user) redirect('/login?next=%2Fsettings%2Fstatus-pages');
  return (
    <main id="main" className="container subpage">
      <nav className="back-nav">
        <Link href="/settings">← Settings</Link>
      </nav>
      <h1 className="page-title">Status pages</h1>
      <StatusPageList initial={listPages(getStore())} />
    </main>
  );
}
