import { handle } from '@/app/_server/http';
import { authorize, type Principal } from '@/lib/auth/request';
import { getConfig } from '@/lib/config';
import { AppError, isAppError } from '@/lib/errors';
import { limitAnonymous } from '@/lib/http/rate-limit';
import { processMetrics } from '@/lib/status/metrics';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/**
 * Prometheus metrics (see lib/status/metrics.ts and the README for the series). They name every site and its
 * URL, so they need an API token (or a session) — UPBEAT_PUBLIC_READ does not open them; only
 * UPBEAT_METRICS_PUBLIC=true does, and then anonymous scrapers are rate limited like every open route.
 */
export const GET = handle(
  async (req: Request) => {
    const store = getStore();
    const config = getConfig();
    let principal: Principal | null = null;
    try {
      principal = await authorize(store, req, 'read');
    } catch (err) {
      if (!isAppError(err) || err.code !== 'unauthorized' || !config.metricsPublic) throw err;
    }
    if (principal === null || principal.kind === 'public') {
      if (!config.metricsPublic) throw new AppError('unauthorized', 'Send an API token to read the metrics');
      limitAnonymous(req);
    }
    const metrics = processMetrics();
    const body = await metrics.scrape(store, Date.now(), config.monitorEnabled);
    return new Response(body, { headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' } });
  },
  { access: 'public' },
);
