import { handle, principalOf, readJson } from '@/app/_server/http';
import { changePassword } from '@/lib/auth/accounts';
import { clearedSessionCookie } from '@/lib/auth/request';
import { AppError } from '@/lib/errors';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/**
 * Changes the owner's password; every session, this one included, ends. `revokeTokens: true` revokes every API
 * token made in Settings too, in the same transaction.
 */
export const POST = handle(async (req: Request) => {
  const who = principalOf(req);
  if (who?.kind !== 'session') throw new AppError('forbidden', 'Change the password from a logged-in browser');
  await changePassword(getStore(), who.user, await readJson(req));
  const res = new Response(null, { status: 204 });
  res.headers.append('set-cookie', clearedSessionCookie());
  return res;
});
