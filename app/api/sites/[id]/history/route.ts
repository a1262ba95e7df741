import { handle, json } from '@/lib/api/http';
import { loadHistory, parseRange } from '@/lib/history';
import { parseSiteId } from '@/lib/sites';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

/** Everything the site page draws for one range (`?range=1h|24h|7d|30d`, default 24h): see HistoryPayload. */
export const GET = handle(async (req: Request, { params }: Ctx) => {
  const id = parseSiteId((await params).id);
  const { range } = parseRange(new URL(req.url).searchParams.get('range'), Date.now());
  return json(loadHistory(getStore(), id, range, Date.now()));
});
