import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { requireViewer } from '@/app/_server/auth-page';
import { PageEditor } from '@/app/_components/status-pages/page-editor';
import { getConfig } from '@/lib/config';
import { isAppError } from '@/lib/errors';
import { getPage, listPosts, parsePageId, type StatusPageDetail } from '@/lib/status/pages';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Edit status page' };

type Props = { params: Promise<{ id: string }> };

function readPage(raw: string): StatusPageDetail | null {
  try {
    return getPage(getStore(), parsePageId(raw));
  } catch (err) {
    if (isAppError(err) && err.code === 'not_found') return null;
    throw err;
  }
}

export default async function EditStatusPagePage({ params }: Props) {
  const raw = (await params).id;
  const viewer = await requireViewer(`/settings/status-pages/${encodeURIComponent(raw)}`);
  if (!viewer.user) redirect(`/login?next=${encodeURIComponent(`/settings/status-pages/${raw}`)}`);
  const page = readPage(raw);
  if (!page) notFound();
  const store = getStore();
  const sites = store.listSites().map((s) => ({ id: s.id, name: s.name, url: s.url }));
  return (
    <main id="main" className="container subpage">
      <nav className="back-nav">
        <Link href="/settings/status-pages">← Status pages</Link>
      </nav>
      <h1 className="page-title">{page.title}</h1>
      <PageEditor initial={page} posts={listPosts(store, page.id)} sites={sites} publicUrl={getConfig().publicUrl ?? null} />
    </main>
  );
}
