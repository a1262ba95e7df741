import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { presentCheck, type ApiCheck } from '@/lib/api/present';
import { presentIncidentList, type ApiIncidentList } from '@/lib/api/present-incident';
import { listIncidents } from '@/lib/incidents';
import { peekViewer, requireViewer } from '@/app/_server/auth-page';
import { isAppError } from '@/lib/errors';
import { CHECKS_PAGE_SIZE, defaultRangeFor, isRangeKey, loadHistory, type HistoryPayload, type RangeKey } from '@/lib/history';
import { parseSiteId } from '@/lib/sites';
import { getConfig } from '@/lib/config';
import { getStore } from '@/lib/store';
import { SiteBadges } from '@/app/_components/site-badges';
import { SITE_INCIDENTS_SHOWN } from '@/app/incidents/incident-filters';
import { SiteView } from './site-view';

export const dynamic = 'force-dynamic';

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

function siteIdOf(raw: string): number | null {
  try {
    return parseSiteId(raw);
  } catch {
    return null;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  // A site's name is not for someone who may not see the page.
  if (!(await peekViewer())) return { title: { absolute: 'Upbeat' } };
  const id = siteIdOf((await params).id);
  const site = id === null ? undefined : getStore().getSite(id);
  return { title: site ? site.name : 'Site not found' };
}

/** The range asked for in the URL, else the one that suits the site's age (see defaultRangeFor). */
function openingRange(requested: unknown, createdAt: number): RangeKey {
  return isRangeKey(requested) ? requested : defaultRangeFor(createdAt, Date.now());
}

interface SiteData {
  history: HistoryPayload;
  checks: ApiCheck[];
  incidents: ApiIncidentList;
  now: number;
}

/** The page's data as of now, or null when there is no such site. Who was notified only for the owner. */
function readSite(id: number, range: RangeKey, withNotices: boolean): SiteData | null {
  const store = getStore();
  const now = Date.now();
  try {
    return {
      history: loadHistory(store, id, range, now, getConfig().retention),
      checks: store.listChecks(id, { limit: CHECKS_PAGE_SIZE }).map(presentCheck),
      incidents: presentIncidentList(
        listIncidents(store, { siteId: id, limit: SITE_INCIDENTS_SHOWN }, { withNotices, now }),
      ),
      now,
    };
  } catch (err) {
    if (isAppError(err) && err.code === 'not_found') return null;
    throw err;
  }
}

/**
 * One site: header, latency chart, status strip, uptime, certificate and check log. The data is read here, on
 * the server, so the first paint is complete; the client island keeps it live. No loading.tsx: the page must
 * not start streaming before it knows whether the site exists, or an unknown id could not answer 404.
 */
export default async function SitePage({ params, searchParams }: Props) {
  const raw = (await params).id;
  const viewer = await requireViewer(`/sites/${encodeURIComponent(raw)}`);
  const id = siteIdOf(raw);
  if (id === null) notFound();
  const site = getStore().getSite(id);
  if (!site) notFound();
  const range = openingRange((await searchParams).range, site.createdAt);
  const data = readSite(id, range, viewer.canWrite);
  if (!data) notFound();
  const { history, checks, incidents, now } = data;
  return (
    <SiteView
      siteId={id}
      initialRange={range}
      initialHistory={history}
      initialChecks={checks}
      initialIncidents={incidents}
      renderedAt={now}
      pageSize={CHECKS_PAGE_SIZE}
      canWrite={viewer.canWrite}
      managedBy={getStore().managedBy('site', id)}
      footer={<SiteBadges siteId={id} initialEnabled={getStore().areBadgesEnabled(id) === true} canWrite={viewer.canWrite} publicUrl={getConfig().publicUrl ?? null} />}
    />
  );
}
