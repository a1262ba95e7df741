import { servePublicStatus } from '@/app/_server/public-status';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ slug: string }> };

/**
 * The public status page gzipped once per cache window. Requests for /status/{slug} that take gzip are rewritten
 * here by next.config.js, which also sends this path's Content-Encoding (Next.js drops one set by a handler).
 */
export async function GET(req: Request, { params }: Ctx) {
  return servePublicStatus(req, (await params).slug, 'html', true);
}
