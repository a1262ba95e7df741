import { handle, readBodyUpTo } from '@/app/_server/http';
import { AppError } from '@/lib/errors';
import { IMPORT_MAX_BYTES, importUpload, parseImportQuery } from '@/lib/config-file/import/upload';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/**
 * `POST /api/config/import?from=kuma|gatus&apply=0|1` with the file as the body (a kuma.db, a Kuma JSON backup
 * or a Gatus config.yaml): the plan and what cannot be carried over; `apply=1` applies it in one transaction.
 */
export const POST = handle(
  async (req: Request) => {
    const { from, apply } = parseImportQuery(new URL(req.url).searchParams);
    const bytes = await readUpload(req);
    return Response.json(await importUpload(getStore(), from, bytes, apply), { headers: { 'cache-control': 'no-store' } });
  },
  { access: 'write' },
);

const tooLarge = () =>
  new AppError(
    'payload_too_large',
    `The file must be smaller than 10 MB; import a larger one with npm run config -- import-kuma FILE`,
  );

const readUpload = (req: Request) => readBodyUpTo(req, IMPORT_MAX_BYTES, tooLarge);
