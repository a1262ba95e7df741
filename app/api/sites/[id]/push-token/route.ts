import { handle, json } from '@/app/_server/http';
import { pushPath, rotatePushToken } from '@/lib/push';
import { parseSiteId } from '@/lib/sites';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

/** A new ping token for a push site; the old one stops working. The token is in this answer and never again. */
export const POST = handle(async (_req: Request, { params }: Ctx) => {
  const id = parseSiteId((await params).id);
  const token = rotatePushToken(getStore(), id);
  return json({ pushToken: token, pushPath: pushPath(token) });
});
