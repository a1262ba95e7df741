import { handle, json, readJson } from '@/app/_server/http';
import { clientKeyOf } from '@/lib/http/rate-limit';
import { previewSite } from '@/lib/site-preview';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/**
 * Checks a draft site once, now, and answers what the check saw and each assertion's verdict; writes nothing.
 * Needs write access: it makes Upbeat connect where the caller says, as adding a site does.
 */
export const POST = handle(async (req: Request) => {
  const body = await readJson(req);
  return json(await previewSite(getStore(), body, clientKeyOf(req)));
});
