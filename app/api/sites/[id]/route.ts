import { handle, json, readJson } from '@/app/_server/http';
import { presentSite } from '@/lib/api/present';
import { deleteSite, getSite, parseSiteId, updateSite } from '@/lib/sites';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

export const GET = handle(async (_req: Request, { params }: Ctx) => {
  const id = parseSiteId((await params).id);
  return json(presentSite(getSite(getStore(), id)));
});

export const PATCH = handle(async (req: Request, { params }: Ctx) => {
  const id = parseSiteId((await params).id);
  const body = await readJson(req);
  return json(presentSite(await updateSite(getStore(), id, body)));
});

export const DELETE = handle(async (_req: Request, { params }: Ctx) => {
  const id = parseSiteId((await params).id);
  deleteSite(getStore(), id);
  return new Response(null, { status: 204 });
});
