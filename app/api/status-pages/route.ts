import { handle, json, readJson } from '@/app/_server/http';
import { listPages, savePage } from '@/lib/status/pages';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/** The owner's status pages, each with its list of sites. */
export const GET = handle(async () => json(listPages(getStore())));

/** Creates a page: `{ slug, title, description?, logoUrl?, sites?: [{ siteId, group?, showUrl? }] }`. */
export const POST = handle(async (req: Request) => json(savePage(getStore(), await readJson(req)), 201));
