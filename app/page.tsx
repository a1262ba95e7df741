import type { Metadata } from 'next';
import { cache } from 'react';
import { HealthBanner } from './_components/health-banner';
import { Overview } from './_components/overview';
import { FIRST_ROWS, firstRowsOf, titleFor } from './_components/overview-types';
import { presentOverview } from './_server/present-overview';
import { peekViewer, requireViewer } from '@/app/_server/auth-page';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/** One read per request, shared by the metadata (title, icon) and the page. */
const readOverview = cache(() => {
  const now = Date.now();
  return presentOverview(getStore().overview({ now }), now);
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
export default async function Home() {
  const viewer = await requireViewer('/');
  return (
    <main id="main" className="container">
      <HealthBanner />
      {/* Only the first rows travel with the page; the island loads the rest once it is live. */}
      <Overview initial={firstRowsOf(readOverview(), FIRST_ROWS)} canWrite={viewer.canWrite} />
    </main>
  );
}
