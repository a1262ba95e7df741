import { handle, json } from '@/app/_server/http';
import { loadHistory, parseRange } from '@/lib/history';
import { getConfig } from '@/lib/config';
import { parseSiteId } from '@/lib/sites';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

/** Everything the site page draws for one range (`?range=1h|24h|7d|30d|90d|1y`, default 24h): see HistoryPayload. */
export const GET = handle(async (req: Request, { params }: Ctx) => {
  const id = parseSiteId((await params).id);
  const now = Date.now();
  const { range } = parseRange(new URL(req.url).searchParams.get('range'), now);
  return json(loadHistory(getStore(), id, range, now, getConfig().retention));
});
