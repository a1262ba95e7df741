import { errorResponse } from '@/app/_server/http';
import { authorize, type Principal } from '@/lib/auth/request';
import { getStreamRegistry, openEventStream } from '@/lib/event-streams';
import { getChangeFeed } from '@/lib/events';
import { clientKeyOf, limitAnonymous } from '@/lib/http/rate-limit';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/**
 * Server-sent events (see lib/event-streams.ts for the events and the bounds). The stream lasts as long as the
 * authority it was opened with: the same check runs again while it is open.
 */
export async function GET(req: Request): Promise<Response> {
  // Not wrapped in handle(): the stream's lifetime is the request's, but its authority is checked the same way.
  let opened: Principal['kind'];
  try {
    opened = (await authorize(getStore(), req, 'read')).kind;
    if (opened === 'public') limitAnonymous(req);
  } catch (err) {
    return errorResponse(err);
  }
  return openEventStream({
    feed: getChangeFeed(),
    registry: getStreamRegistry(),
    clientKey: clientKeyOf(req),
    signal: req.signal,
    // The same kind of authority as at opening: a stream opened with a session ends at logout even when
    // public read would let an anonymous caller in (the browser then reconnects as that caller).
    isStillAuthorized: () =>
      authorize(getStore(), req, 'read').then(
        (now) => now.kind === opened,
        () => false,
      ),
  });
}
