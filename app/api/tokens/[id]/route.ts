import { handle } from '@/app/_server/http';
import { revokeApiToken } from '@/lib/auth/accounts';
import { AppError } from '@/lib/errors';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

export const DELETE = handle(async (_req: Request, { params }: Ctx) => {
  const raw = (await params).id;
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new AppError('not_found', `No token with id ${JSON.stringify(raw)}`);
  revokeApiToken(getStore(), Number(raw));
  return new Response(null, { status: 204 });
});
