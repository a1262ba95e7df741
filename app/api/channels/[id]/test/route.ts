import { handle, json } from '@/app/_server/http';
import { parseChannelId, testChannel } from '@/lib/channels';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

/** Sends a real test message now and answers how it went (200 either way: the outcome is the answer). */
export const POST = handle(async (_req: Request, { params }: Ctx) => {
  const outcome = await testChannel(getStore(), parseChannelId((await params).id));
  return json({ ...outcome, durationMs: Math.round(outcome.durationMs * 10) / 10 });
});
