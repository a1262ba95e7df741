import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { requireViewer } from '@/app/_server/auth-page';
import { NewPage } from '@/app/_components/status-pages/new-page';
import { getConfig } from '@/lib/config';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'New status page' };

export default async function NewStatusPagePage() {
  const viewer = await requireViewer('/settings/status-pages/new');
  if (!viewer.user) redirect('/login?next=%2Fsettings%2Fstatus-pages%2Fnew');
  const sites = getStore()
    .listSites()
    .map((s) => ({ id: s.id, name: s.name, url: s.url }));
  return (
    <main id="main" className="container subpage">
      <nav className="back-nav">
        <Link href="/settings/status-pages">← Status pages</Link>
      </nav>
      <h1 className="page-title">New status page</h1>
      <NewPage sites={sites} publicUrl={getConfig().publicUrl ?? null} />
    </main>
  );
}
