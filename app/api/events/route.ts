import { errorResponse } from '@/app/_server/http';
import { authorize } from '@/lib/auth/request';
import { getChangeFeed, type ChangeEvent } from '@/lib/events';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/** A comment line every so often keeps proxies and idle timeouts from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;
/** How long a browser waits before reconnecting after the stream drops. */
const RETRY_MS = 2_000;

function frame(event: ChangeEvent): string {
  const data = event.type === 'checks' ? { siteIds: event.siteIds } : { revision: event.revision };
  return `event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Server-sent events: `checks` (`{ siteIds }`: these sites have new results) and `sites` (`{ revision }`: the
 * list of sites changed). Clients reload what they show on each event, and everything when they (re)connect.
 */
export async function GET(req: Request): Promise<Response> {
  // Not wrapped in handle(): the stream's lifetime is the request's, but its authority is checked the same way.
  try {
    await authorize(getStore(), req, 'read');
  } catch (err) {
    return errorResponse(err);
  }
  const encoder = new TextEncoder();
  let close = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close(); // the stream is gone (client left between ticks)
        }
      };
      const unsubscribe = getChangeFeed().subscribe((event) => send(frame(event)));
      const keepAlive = setInterval(() => send(': keep-alive\n\n'), KEEP_ALIVE_MS);
      close = () => {
        if (!open) return;
        open = false;
        clearInterval(keepAlive);
        unsubscribe();
        req.signal.removeEventListener('abort', close);
        try {
          controller.close();
        } catch {
          // already closed or errored
        }
      };
      req.signal.addEventListener('abort', close);
      send(`retry: ${RETRY_MS}\n: connected\n\n`);
    },
    cancel() {
      close();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform keeps the server's gzip from buffering events; no-cache keeps proxies from replaying them.
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}
