import { servePublicStatus } from '@/app/_server/public-status';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ slug: string }> };

/** The page's incident posts and maintenance notices as an Atom feed. */
export async function GET(req: Request, { params }: Ctx) {
  return servePublicStatus(req, (await params).slug, 'atom');
}
