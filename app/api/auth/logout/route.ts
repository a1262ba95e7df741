import { handle } from '@/app/_server/http';
import { logout } from '@/lib/auth/accounts';
import { SESSION_COOKIE, clearedSessionCookie, readCookie } from '@/lib/auth/request';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/** Ends this session on the server (not just the cookie). */
export const POST = handle(
  (req: Request) => {
    logout(getStore(), readCookie(req.headers.get('cookie'), SESSION_COOKIE));
    const res = new Response(null, { status: 204 });
    res.headers.append('set-cookie', clearedSessionCookie());
    return res;
  },
  { access: 'public' },
);
