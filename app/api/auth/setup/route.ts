import { handle, json, readJson } from '@/app/_server/http';
import { SESSION_TTL_MS, setupAccount } from '@/lib/auth/accounts';
import { isCrossSite, sessionCookie } from '@/lib/auth/request';
import { AppError } from '@/lib/errors';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/** One-time creation of the owner's account; refused with 409 once it exists. */
export const POST = handle(
  async (req: Request) => {
    if (isCrossSite(req)) throw new AppError('forbidden', 'Cross-site request refused');
    const session = await setupAccount(getStore(), await readJson(req));
    const res = json({ user: { username: session.user.username } }, 201);
    res.headers.append('set-cookie', sessionCookie(req, session.secret, SESSION_TTL_MS / 1000));
    return res;
  },
  { access: 'public' },
);
