import { handle } from '@/app/_server/http';
import { exportConfig } from '@/lib/config-file/export';
import { AppError } from '@/lib/errors';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';

/**
 * The whole configuration as upbeat.yaml, a download (Settings → Backup). Secrets are `${UPBEAT_…}` references
 * unless `?secrets=include`, answered with a Warning header. Write access even with UPBEAT_PUBLIC_READ: the file
 * is every site's URL and every channel's address.
 */
export const GET = handle(
  (req: Request) => {
    const secrets = new URL(req.url).searchParams.get('secrets');
    if (secrets !== null && secrets !== 'include' && secrets !== 'reference') {
      throw new AppError('validation', 'secrets must be include or reference', { secrets: 'must be include or reference' });
    }
    const result = exportConfig(getStore(), { withSecrets: secrets === 'include' });
    const headers: Record<string, string> = {
      'content-type': 'application/yaml; charset=utf-8',
      'content-disposition': 'attachment; filename="upbeat.yaml"',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    };
    if (result.warning !== null) headers['x-upbeat-warning'] = result.warning;
    return new Response(result.yaml, { headers });
  },
  { access: 'write' },
);
