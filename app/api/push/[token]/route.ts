import { handle, json } from '@/app/_server/http';
import { limitAnonymous } from '@/lib/http/rate-limit';
import { receivePing } from '@/lib/push';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ token: string }> };

/**
 * A push site's ping: GET or POST, no login (the token is the credential), optional `?status=down&msg=…`. Answers
 * `{ ok: true }` or a bare 404 and nothing else — not the site, its state or whether the token ever existed — and
 * is held to the anonymous rate limit, so tokens cannot be guessed at speed.
 */
async function ping(req: Request, { params }: Ctx): Promise<Response> {
  limitAnonymous(req);
  const { token } = await params;
  const query = new URL(req.url).searchParams;
  const found = receivePing(getStore(), token, { status: query.get('status'), msg: query.get('msg') });
  return found ? json({ ok: true }) : json({ error: 'Not found' }, 404);
}

export const GET = handle(ping, { access: 'public' });
export const POST = handle(ping, { access: 'public' });
