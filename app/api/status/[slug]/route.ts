import { servePublicStatus } from '@/app/_server/public-status';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ slug: string }> };

/** The public status page's data as JSON, for embedding: the same data the page shows, no more. */
export async function GET(req: Request, { params }: Ctx) {
  return servePublicStatus(req, (await params).slug, 'json');
}
