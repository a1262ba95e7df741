import { handle, json } from '@/app/_server/http';
import { presentCheck } from '@/lib/api/present';
import { listChecks, parseChecksQuery, parseSiteId } from '@/lib/sites';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

export const GET = handle(async (req: Request, { params }: Ctx) => {
  const id = parseSiteId((await params).id);
  const query = parseChecksQuery(new URL(req.url).searchParams);
  return json({ checks: listChecks(getStore(), id, query).map(presentCheck) });
});
