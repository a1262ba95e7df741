import { sendCached } from '@/app/_server/cached';
import { handle } from '@/app/_server/http';
import { limitAnonymous } from '@/lib/http/rate-limit';
import { renderBadge } from '@/lib/status/badge-svg';
import { endpointJson, parseBadgeRequest, readBadge } from '@/lib/status/badges';
import { publicCache } from '@/lib/status/short-cache';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ siteId: string; file: string }> };

/**
 * A site's badge, open to anyone once the owner turned badges on for it: `status.svg`, `uptime.svg?window=`,
 * `latency.svg?window=&stat=`, each also as shields.io endpoint JSON (`.json`). Counted against the caller's
 * anonymous rate limit, and served from a few seconds' cache with an ETag.
 */
export const GET = handle(
  async (req: Request, ctx: Ctx) => {
    limitAnonymous(req);
    const { siteId, file } = await ctx.params;
    const badgeReq = parseBadgeRequest(siteId, file, new URL(req.url).searchParams);
    const entry = publicCache().get(`badge:${JSON.stringify(badgeReq)}`, () => {
      const badge = readBadge(getStore(), badgeReq, Date.now());
      return badgeReq.format === 'svg'
        ? { body: renderBadge(badge, badgeReq.style), contentType: 'image/svg+xml; charset=utf-8' }
        : { body: JSON.stringify(endpointJson(badge, badgeReq.style)), contentType: 'application/json' };
    });
    return sendCached(req, entry);
  },
  { access: 'public' },
);
