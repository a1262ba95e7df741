import { handle, json } from '@/app/_server/http';
import { presentAttempt } from '@/lib/api/present-channel';
import { getChannel, parseChannelId, parseDeliveriesQuery } from '@/lib/channels';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

// Channels name where alerts go and who gets them: even reading them needs the owner, never public read.
const OWNER_ONLY = { access: 'write' } as const;

type Ctx = { params: Promise<{ id: string }> };

/** Delivery attempts, newest first; `?before=<id of the last one>` for the next page. */
export const GET = handle(async (req: Request, { params }: Ctx) => {
  const store = getStore();
  const id = parseChannelId((await params).id);
  getChannel(store, id);
  const query = parseDeliveriesQuery(new URL(req.url).searchParams);
  const attempts = store.listDeliveries(id, query).map(presentAttempt);
  const last = attempts.at(-1);
  return json({ deliveries: attempts, next: attempts.length === query.limit && last ? last.id : null });
}, OWNER_ONLY);
