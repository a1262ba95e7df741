import { handle, json, principalOf } from '@/app/_server/http';
import { presentIncidentList } from '@/lib/api/present-incident';
import { listIncidents, parseIncidentQuery } from '@/lib/incidents';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

export const GET = handle((req: Request) => {
  const query = parseIncidentQuery(new URL(req.url).searchParams);
  // Channels name where alerts go: public readers see the incidents, not who was told.
  const withNotices = principalOf(req)?.kind !== 'public';
  return json(presentIncidentList(listIncidents(getStore(), query, { withNotices })));
});
