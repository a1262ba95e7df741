import { handle, json, readJson } from '@/app/_server/http';
import { SESSION_TTL_MS, login } from '@/lib/auth/accounts';
import { clientAddressOf, isCrossSite, sessionCookie } from '@/lib/auth/request';
import { AppError } from '@/lib/errors';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

export const POST = handle(
  async (req: Request) => {
    // Login CSRF would sign the victim into an attacker's session; refuse cross-site posts here too.
    if (isCrossSite(req)) throw new AppError('forbidden', 'Cross-site request refused');
    const session = await login(getStore(), await readJson(req), clientAddressOf(req));
    const res = json({ user: { username: session.user.username } });
    res.headers.append('set-cookie', sessionCookie(req, session.secret, SESSION_TTL_MS / 1000));
    return res;
  },
  { access: 'public' },
);
