import { handle, json } from '@/app/_server/http';
import { needsSetup, userForSession } from '@/lib/auth/accounts';
import { SESSION_COOKIE, readCookie } from '@/lib/auth/request';
import { getConfig } from '@/lib/config';
import { limitAnonymous } from '@/lib/http/rate-limit';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

export const GET = handle(
  (req: Request) => {
    const store = getStore();
    const user = userForSession(store, readCookie(req.headers.get('cookie'), SESSION_COOKIE));
    if (!user) limitAnonymous(req);
    return json({
      user: user ? { username: user.username } : null,
      setupRequired: needsSetup(store),
      publicRead: getConfig().publicRead,
    });
  },
  { access: 'public' },
);
