import { handle, json, readJson } from '@/app/_server/http';
import { createPost, listPosts, parsePageId } from '@/lib/status/pages';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

export const GET = handle(async (_req: Request, { params }: Ctx) => json(listPosts(getStore(), parsePageId((await params).id))));

/** Posts an incident (`kind: incident`, status, message) or a maintenance notice (with startsAt and endsAt). */
export const POST = handle(async (req: Request, { params }: Ctx) =>
  json(createPost(getStore(), parsePageId((await params).id), await readJson(req)), 201),
);
