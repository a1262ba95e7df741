import { handle } from '@/app/_server/http';
import { logout } from '@/lib/auth/accounts';
import { SESSION_COOKIE, clearedSessionCookie, isCrossSite, readCookie } from '@/lib/auth/request';
import { AppError } from '@/lib/errors';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/** Ends this session on the server (not just the cookie). A cookie write like any other: never cross-site. */
export const POST = handle(
  (req: Request) => {
    if (isCrossSite(req)) throw new AppError('forbidden', 'Cross-site request refused');
    logout(getStore(), readCookie(req.headers.get('cookie'), SESSION_COOKIE));
    const res = new Response(null, { status: 204 });
    res.headers.append('set-cookie', clearedSessionCookie());
    return res;
  },
  { access: 'public' },
);
