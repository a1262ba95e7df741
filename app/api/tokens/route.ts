import { handle, json, readJson } from '@/app/_server/http';
import { createApiToken } from '@/lib/auth/accounts';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

const present = (t: { id: number; name: string; prefix: string; createdAt: number; lastUsedAt: number | null; revokedAt: number | null }) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: new Date(t.createdAt).toISOString(),
  lastUsedAt: t.lastUsedAt === null ? null : new Date(t.lastUsedAt).toISOString(),
  revokedAt: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
});

/** Token names and prefixes only: a secret is shown once, when created. Listing needs write authority. */
export const GET = handle((_req: Request) => json({ tokens: getStore().listApiTokens().map(present) }), {
  access: 'write',
});

export const POST = handle(async (req: Request) => {
  const { token, secret } = createApiToken(getStore(), await readJson(req));
  return json({ token: present(token), secret }, 201);
});
