import { handle, json } from '@/app/_server/http';
import { authorize, type Principal } from '@/lib/auth/request';
import { getConfig } from '@/lib/config';
import { isAppError } from '@/lib/errors';
import { readHealth } from '@/lib/health';
import { limitAnonymous } from '@/lib/http/rate-limit';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/**
 * The monitor's own health (see lib/health.ts): `ok`, `behind`, `stalled` or `off`. 503 when stalled, so an
 * outside probe (a load balancer, another monitor) can watch this URL without credentials; such an anonymous
 * caller gets the status alone, within the anonymous rate limit. With a session or token (or
 * UPBEAT_PUBLIC_READ) it also gets the checker's figures from its self-report, which say how many sites there are
 * and how busy the checker is.
 */
export const GET = handle(
  async (req: Request) => {
    const store = getStore();
    let principal: Principal | null = null;
    try {
      principal = await authorize(store, req, 'read');
    } catch (err) {
      if (!isAppError(err) || err.code !== 'unauthorized') throw err;
    }
    if (principal === null || principal.kind === 'public') limitAnonymous(req);
    const report = readHealth(store, { isCheckerExpected: getConfig().monitorEnabled });
    const code = report.status === 'stalled' ? 503 : 200;
    return json(principal === null ? { status: report.status } : report, code);
  },
  { access: 'public' },
);
