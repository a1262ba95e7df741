import { handle, json, principalOf } from '@/app/_server/http';
import { presentIncidentList } from '@/lib/api/present-incident';
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
  const withNotices = principalOf(req)?.kind !== 'public';
  return json(presentIncidentList(listIncidents(store, query, { withNotices })));
});
