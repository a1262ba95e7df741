import { handle, json, readJson } from '@/app/_server/http';
import { presentChannel } from '@/lib/api/present-channel';
import { deleteChannel, getChannel, parseChannelId, updateChannel } from '@/lib/channels';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

// Channels name where alerts go and who gets them: even reading them needs the owner, never public read.
const OWNER_ONLY = { access: 'write' } as const;

type Ctx = { params: Promise<{ id: string }> };

export const GET = handle(async (_req: Request, { params }: Ctx) => {
  const store = getStore();
  const channel = getChannel(store, parseChannelId((await params).id));
  return json(presentChannel(channel, store.channelHealth().get(channel.id), store.sitesOfChannel(channel.id)));
}, OWNER_ONLY);

export const PATCH = handle(async (req: Request, { params }: Ctx) => {
  const store = getStore();
  const id = parseChannelId((await params).id);
  const updated = await updateChannel(store, id, await readJson(req));
  return json(presentChannel(updated, store.channelHealth().get(id), store.sitesOfChannel(id)));
});

export const DELETE = handle(async (_req: Request, { params }: Ctx) => {
  deleteChannel(getStore(), parseChannelId((await params).id));
  return new Response(null, { status: 204 });
});
