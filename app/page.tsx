import type { Metadata } from 'next';
import { cache } from 'react';
import { Overview } from './_components/overview';
import { FIRST_ROWS, firstRowsOf, titleFor } from './_components/overview-types';
import { presentOverview } from './_components/present-overview';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/** One read per request, shared by the metadata (title, icon) and the page. */
const readOverview = cache(() => {
  const now = Date.now();
  return presentOverview(getStore().overview({ now }), now);
});

export function generateMetadata(): Metadata {
  const down = readOverview().sites.filter((s) => s.state === 'down').length;
  return {
    title: { absolute: titleFor(down) },
    icons: { icon: { url: down > 0 ? '/favicon-down.svg' : '/favicon.svg', type: 'image/svg+xml' } },
  };
}

/** The overview: rendered on the server with the current data (no jump when it arrives), then kept live. */
export default function Home() {
  return (
    <main id="main" className="container">
      {/* Only the first rows travel with the page; the island loads the rest once it is live. */}
      <Overview initial={firstRowsOf(readOverview(), FIRST_ROWS)} />
    </main>
  );
}
