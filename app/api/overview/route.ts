import { overviewJsonChunks, overviewSiteJson } from '@/app/_server/present-overview';
import { handle, jsonChunks } from '@/app/_server/http';
import { AppError } from '@/lib/errors';
import { overviewCacheOf } from '@/lib/overview-cache';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

const MAX_IDS = 1000;

/** `?ids=1,2,3` → those ids; absent → every site. */
function parseIds(params: URLSearchParams): number[] | undefined {
  const raw = params.get('ids');
  if (raw === null) return undefined;
  if (raw === '') return [];
  const parts = raw.split(',');
  const ids = parts.map((p) => (/^[1-9]\d{0,15}$/.test(p) ? Number(p) : NaN));
  if (parts.length > MAX_IDS || ids.some((id) => !Number.isSafeInteger(id))) {
    throw new AppError('validation', `Invalid query: ids must be up to ${MAX_IDS} site ids separated by commas`, {
      ids: `must be up to ${MAX_IDS} site ids separated by commas`,
    });
  }
  return ids;
}

/**
 * What the overview page shows, for every site or for `?ids=1,2,3` (the rows a `checks` event named): each site
 * with its newest check, 24 h uptime and last hour of latency, from the in-memory summaries (lib/overview-cache.ts).
 */
export const GET = handle((req: Request) => {
  const ids = parseIds(new URL(req.url).searchParams);
  const now = Date.now();
  const sites = overviewCacheOf(getStore()).readEncoded({ now, ids }, overviewSiteJson);
  return jsonChunks(overviewJsonChunks(sites, now, getStore().managedFiles('site')));
});
