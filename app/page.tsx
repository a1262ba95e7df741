import type { Metadata } from 'next';
import { cache } from 'react';
import { HealthBanner } from './_components/health-banner';
import { Overview } from './_components/overview';
import { FIRST_ROWS, titleFor } from './_components/overview-types';
import { firstRowsInView, parseView } from './_components/overview-view';
import { presentOverview } from './_server/present-overview';
import { peekViewer, requireViewer } from '@/app/_server/auth-page';
import { overviewCacheOf } from '@/lib/overview-cache';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/** One read per request, shared by the metadata (title, icon) and the page. */
const readOverview = cache(() => {
  const now = Date.now();
  return presentOverview(overviewCacheOf(getStore()).read({ now }), now, getStore().managedFiles('site'));
});

export async function generateMetadata(): Promise<Metadata> {
  // The title carries the down count: nothing of it for someone who may not see the page.
  if (!(await peekViewer())) return { title: { absolute: 'Upbeat' } };
  const down = readOverview().sites.filter((s) => s.state === 'down').length;
  return {
    title: { absolute: titleFor(down) },
    icons: { icon: { url: down > 0 ? '/favicon-down.svg' : '/favicon.svg', type: 'image/svg+xml' } },
  };
}

/** The overview: rendered on the server with the current data (no jump when it arrives), then kept live. */
export default async function Home({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await requireViewer('/');
  // The chips' filter and the sort are in the query, so the first rows are the ones the view shows.
  const view = parseView(await searchParams);
  return (
    <main id="main" className="container">
      <HealthBanner />
      {/* Only the first rows travel with the page; the island loads the rest once it is live. */}
      <Overview initial={firstRowsInView(readOverview(), view, FIRST_ROWS)} initialView={view} canWrite={viewer.canWrite} />
    </main>
  );
}
