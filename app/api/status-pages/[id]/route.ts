import { handle, json, readJson } from '@/app/_server/http';
import { deletePage, getPage, parsePageId, savePage } from '@/lib/status/pages';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

export const GET = handle(async (_req: Request, { params }: Ctx) => json(getPage(getStore(), parsePageId((await params).id))));

/** Replaces the page's settings and its list of sites (the same body as POST /api/status-pages). */
export const PUT = handle(async (req: Request, { params }: Ctx) =>
  json(savePage(getStore(), await readJson(req), parsePageId((await params).id))),
);

export const DELETE = handle(async (_req: Request, { params }: Ctx) => {
  deletePage(getStore(), parsePageId((await params).id));
  return new Response(null, { status: 204 });
});
