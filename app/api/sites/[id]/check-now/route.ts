import { handle, json } from '@/app/_server/http';
import { parseSiteId, requestCheck } from '@/lib/sites';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

/** Asks the checker (in this process or its own) to check the site now; 202 because the result comes later. */
export const POST = handle(async (_req: Request, { params }: Ctx) => {
  const id = parseSiteId((await params).id);
  requestCheck(getStore(), id);
  return json({ requested: true }, 202);
});
