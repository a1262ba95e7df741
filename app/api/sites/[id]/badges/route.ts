import { handle, json, readJson } from '@/app/_server/http';
import { AppError } from '@/lib/errors';
import { parseSiteId } from '@/lib/sites';
import { setBadges } from '@/lib/status/badges';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

function enabledOf(id: number): { enabled: boolean } {
  const enabled = getStore().areBadgesEnabled(id);
  if (enabled === undefined) throw new AppError('not_found', `No site with id ${id}`);
  return { enabled };
}

/** Whether the site serves public badges. */
export const GET = handle(async (_req: Request, { params }: Ctx) => json(enabledOf(parseSiteId((await params).id))));

/** Turns the site's public badges on or off: `{ "enabled": true }`. */
export const PUT = handle(async (req: Request, { params }: Ctx) => {
  const id = parseSiteId((await params).id);
  const body = await readJson(req);
  const enabled = (body as { enabled?: unknown } | null)?.enabled;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof enabled !== 'boolean') {
    throw new AppError('validation', 'enabled must be true or false', { enabled: 'must be true or false' });
  }
  setBadges(getStore(), id, enabled);
  return json({ enabled });
});
