import type { Metadata } from 'next';
import { requireViewer } from '@/app/_server/auth-page';
import { presentIncidentList } from '@/lib/api/present-incident';
import { isAppError } from '@/lib/errors';
import { listIncidents, parseIncidentQuery } from '@/lib/incidents';
import { getStore } from '@/lib/store';
import { apiUrl, filtersToSearch, parseFilters, type IncidentFilters } from './incident-filters';
import { IncidentsView } from './incidents-view';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Incidents' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The incidents for these filters as of now, or the fields the API would refuse (a range that ends first). */
function readIncidents(filters: IncidentFilters, withNotices: boolean) {
  const now = Date.now();
  try {
    const query = parseIncidentQuery(new URL(apiUrl(filters, now), 'http://upbeat.invalid').searchParams);
    return { now, initial: presentIncidentList(listIncidents(getStore(), query, { withNotices, now })), fields: {} };
  } catch (err) {
    if (!isAppError(err) || err.code !== 'validation') throw err;
    return { now, initial: null, fields: err.fields ?? {} };
  }
}

/**
 * Every incident, newest first, filtered by the address bar's query. Read here with the same query the browser
 * sends to /api/incidents, so the first paint is complete; the island keeps it live.
 */
export default async function IncidentsPage({ searchParams }: Props) {
  const filters = parseFilters(await searchParams);
  const viewer = await requireViewer(`/incidents${filtersToSearch(filters)}`);
  const { now, initial, fields } = readIncidents(filters, viewer.canWrite);
  const sites = getStore()
    .listSites()
    .map((s) => ({ id: s.id, name: s.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return (
    <main id="main" className="container subpage">
      <IncidentsView
        initial={initial}
        initialFields={fields}
        initialFilters={filters}
        renderedAt={now}
        sites={sites}
      />
    </main>
  );
}
