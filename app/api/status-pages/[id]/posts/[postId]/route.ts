import { handle, json, readJson } from '@/app/_server/http';
import { addPostUpdate, deletePost, parsePageId } from '@/lib/status/pages';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string; postId: string }> };

/** Adds an update to a post: `{ status, message }`. */
export const POST = handle(async (req: Request, { params }: Ctx) => {
  const { id, postId } = await params;
  return json(addPostUpdate(getStore(), parsePageId(id), parsePageId(postId), await readJson(req)), 201);
});

export const DELETE = handle(async (_req: Request, { params }: Ctx) => {
  const { id, postId } = await params;
  deletePost(getStore(), parsePageId(id), parsePageId(postId));
  return new Response(null, { status: 204 });
});
