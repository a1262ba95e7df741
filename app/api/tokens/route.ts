import { handle, json, principalOf, readJson } from '@/app/_server/http';
import { createApiToken } from '@/lib/auth/accounts';
import { AppError } from '@/lib/errors';
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

/**
 * Tokens are managed from a logged-in browser only: a leaked token must not be able to mint more tokens (which
 * would outlive its own revocation) or revoke the owner's.
 */
function requireSession(req: Request): void {
  if (principalOf(req)?.kind !== 'session') {
    throw new AppError('forbidden', 'API tokens are managed from a logged-in browser, not with a token');
  }
}

/** Token names and prefixes only: a secret is shown once, when created. */
export const GET = handle(
  (req: Request) => {
    requireSession(req);
    return json({ tokens: getStore().listApiTokens().map(present) });
  },
  { access: 'write' },
);

export const POST = handle(async (req: Request) => {
  requireSession(req);
  const { token, secret } = createApiToken(getStore(), await readJson(req));
  return json({ token: present(token), secret }, 201);
});
