import { handle, json, readJson } from '@/app/_server/http';
import { presentChannel } from '@/lib/api/present-channel';
import { createChannel, listChannels } from '@/lib/channels';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

// Channels name where alerts go and who gets them: even reading them needs the owner, never public read.
const OWNER_ONLY = { access: 'write' } as const;

export const GET = handle((_req: Request) => {
  const store = getStore();
  const health = store.channelHealth();
  const channels = listChannels(store).map((c) => presentChannel(c, health.get(c.id), store.sitesOfChannel(c.id)));
  return json({ channels });
}, OWNER_ONLY);

export const POST = handle(async (req: Request) => {
  const store = getStore();
  const created = await createChannel(store, await readJson(req));
  return json(presentChannel(created, undefined, store.sitesOfChannel(created.id)), 201);
});
