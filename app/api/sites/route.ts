import { handle, json, readJson } from '@/app/_server/http';
import { presentSite } from '@/lib/api/present';
import { pushPath, rotatePushToken } from '@/lib/push';
import { createSite, listSites } from '@/lib/sites';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

export const GET = handle((_req: Request) => json({ sites: listSites(getStore()).map(presentSite) }));

export const POST = handle(async (req: Request) => {
  const body = await readJson(req);
  const store = getStore();
  const site = await createSite(store, body);
  if (site.kind !== 'push') return json(presentSite(site), 201);
  // The ping token is shown here once; only its hash is kept (rotate with POST /api/sites/{id}/push-token).
  const token = rotatePushToken(store, site.id);
  return json({ ...presentSite(site), pushToken: token, pushPath: pushPath(token) }, 201);
});
