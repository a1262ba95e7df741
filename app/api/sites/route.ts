import { handle, json, readJson } from '@/app/_server/http';
import { presentSite } from '@/lib/api/present';
import { createSite, listSites } from '@/lib/sites';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

export const GET = handle((_req: Request) => json({ sites: listSites(getStore()).map(presentSite) }));

export const POST = handle(async (req: Request) => {
  const body = await readJson(req);
  return json(presentSite(await createSite(getStore(), body)), 201);
});
