import { handle } from '@/app/_server/http';
import { exportFileName, exportStream, parseExportFormat, parseRange } from '@/lib/history';
import { getSite, parseSiteId } from '@/lib/sites';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

/**
 * A range of a site's raw checks as a download: `?range=1h|24h|7d|30d|90d|1y&format=csv|json` (default 24h, csv).
 * Raw checks are kept UPBEAT_RETAIN_RAW_DAYS (7 by default), so a longer range holds only what is still kept.
 * Streamed, so a long range of one-minute checks is sent as it is read.
 */
export const GET = handle(async (req: Request, { params }: Ctx) => {
  const id = parseSiteId((await params).id);
  const query = new URL(req.url).searchParams;
  const { range, from, to } = parseRange(query.get('range'), Date.now());
  const format = parseExportFormat(query.get('format'));
  const store = getStore();
  const site = getSite(store, id);
  return new Response(exportStream(store, site, range, from, to, format), {
    headers: {
      'content-type': CONTENT_TYPES[format],
      'content-disposition': `attachment; filename="${exportFileName(site.name, range, to, format)}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
});
