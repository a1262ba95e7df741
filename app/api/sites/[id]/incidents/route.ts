import { handle, json } from '@/app/_server/http';
import { presentIncident } from '@/lib/api/present';
import { listIncidents, parseIncidentQuery } from '@/lib/incidents';
import { getSite, parseSiteId } from '@/lib/sites';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

export const GET = handle(async (req: Request, { params }: Ctx) => {
  const id = parseSiteId((await params).id);
  const store = getStore();
  getSite(store, id);
  const query = { ...parseIncidentQuery(new URL(req.url).searchParams), siteId: id };
  const { incidents, last30Days } = listIncidents(store, query);
  return json({ incidents: incidents.map(presentIncident), last30Days });
});
