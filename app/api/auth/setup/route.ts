import { handle, json, readJson } from '@/app/_server/http';
import { SESSION_TTL_MS, setupAccount } from '@/lib/auth/accounts';
import { deviceCookie } from '@/lib/auth/device';
import { isCrossSite, sessionCookie } from '@/lib/auth/request';
import { AppError } from '@/lib/errors';
import { clientOf } from '@/lib/http/client';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/**
 * One-time creation of the owner's account; refused with 409 once it exists, and with 403 from another machine
 * without the setup code of the start log.
 */
export const POST = handle(
  async (req: Request) => {
    if (isCrossSite(req)) throw new AppError('forbidden', 'Cross-site request refused');
    const client = clientOf(req);
    const session = await setupAccount(getStore(), await readJson(req), client);
    const res = json({ user: { username: session.user.username } }, 201);
    res.headers.append('set-cookie', sessionCookie(req, session.secret, SESSION_TTL_MS / 1000));
    res.headers.append('set-cookie', deviceCookie(session.deviceToken, client.https));
    return res;
  },
  { access: 'public' },
);
