import { escapeXml as esc } from './badge-svg';
import type { StatusPageData } from './page-data';

/**
 * The page's posts as an Atom 1.0 feed (RFC 4287): one entry per incident post or maintenance notice, updated
 * when an update is added, its content the updates newest first. `origin` makes the ids and links absolute.
 */
export function renderAtom(data: StatusPageData, origin: string): string {
  const pageUrl = `${origin}/status/${encodeURIComponent(data.slug)}`;
  const entries = data.posts
    .map((p) => {
      const kind = p.kind === 'maintenance' ? 'Maintenance' : 'Incident';
      const window = p.startsAt && p.endsAt ? `Scheduled ${p.startsAt} to ${p.endsAt}\n\n` : '';
      const body = p.updates.map((u) => `${u.at} ${u.status}: ${u.message}`).join('\n\n');
      return `<entry>
<id>${esc(`${pageUrl}#post-${p.id}`)}</id>
<title>${esc(`${kind}: ${p.title} (${p.status.replace('_', ' ')})`)}</title>
<updated>${p.updatedAt}</updated>
<published>${p.createdAt}</published>
<link rel="alternate" type="text/html" href="${esc(pageUrl)}"/>
<category term="${p.kind}"/>
<content type="text">${esc(window + body)}</content>
</entry>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${esc(pageUrl)}</id>
<title>${esc(`${data.title} status`)}</title>
${data.description ? `<subtitle>${esc(data.description)}</subtitle>\n` : ''}<updated>${data.updatedAt}</updated>
<author><name>${esc(data.title)}</name></author>
<link rel="self" type="application/atom+xml" href="${esc(`${pageUrl}/feed.xml`)}"/>
<link rel="alternate" type="text/html" href="${esc(pageUrl)}"/>
${entries}
</feed>
`;
}
