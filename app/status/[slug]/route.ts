import { servePublicStatus } from '@/app/_server/public-status';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ slug: string }> };

/** The public status page (lib/status/render-page.ts): no login, nothing of a site that is not on it. */
export async function GET(req: Request, { params }: Ctx) {
  return servePublicStatus(req, (await params).slug, 'html');
}
