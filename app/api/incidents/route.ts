import { handle, json } from '@/app/_server/http';
import { presentIncident } from '@/lib/api/present';
import { listIncidents, parseIncidentQuery } from '@/lib/incidents';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

export const GET = handle((req: Request) => {
  const { incidents, last30Days } = listIncidents(getStore(), parseIncidentQuery(new URL(req.url).searchParams));
  return json({ incidents: incidents.map(presentIncident), last30Days });
});
