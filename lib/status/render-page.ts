import { escapeXml as esc } from './badge-svg';
import { DAY_BARS_STYLE, renderDayBars } from './day-bars';
import type { PageSiteView, PostView, StatusPageData } from './page-data';
import { formatPercent } from './badges';

/**
 * The public status page as one HTML document. Plain strings rather than the app's React tree: the page is
 * read by many people at once during an outage, so it is built once per few seconds (lib/status/short-cache.ts)
 * and sent as the same bytes with an ETag; it needs no script, and has none. Every value is escaped.
 *
 * Colour is never the only signal: each state carries a word and a symbol, the banner says what it means, and
 * the 90-day bar has a text list of the days that were not clean (keyboard and screen readers read that list;
 * the bars themselves are a picture with a summary).
 */

const SYMBOL: Record<string, string> = { up: '✓', degraded: '!', down: '✕', paused: '‖', pending: '…' };
const BANNER_SYMBOL: Record<string, string> = { operational: '✓', degraded: '!', partial: '!', major: '✕', unknown: '…' };
const STATUS_WORDS: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  completed: 'Completed',
};

const when = (isoTime: string) => `${isoTime.slice(0, 10)} ${isoTime.slice(11, 16)} UTC`;
const pct = (p: number | null) => (p === null ? 'no data' : formatPercent(p));

function siteBlock(site: PageSiteView): string {
  const url = site.url ? `<div class="url">${esc(site.url)}</div>` : '';
  return `<li class="site" data-state="${esc(site.state)}">
<div class="site-head"><h3>${esc(site.name)}</h3><span class="state ${esc(site.state)}"><span aria-hidden="true">${SYMBOL[site.state] ?? '?'}</span> ${esc(site.stateText)}</span></div>
${url}${renderDayBars(site.days)}
<dl class="uptime"><div><dt>24 h</dt><dd>${pct(site.uptime['24h'])}</dd></div><div><dt>30 days</dt><dd>${pct(site.uptime['30d'])}</dd></div><div><dt>90 days</dt><dd>${pct(site.uptime['90d'])}</dd></div></dl>
</li>`;
}

function postBlock(post: PostView, level: 'h3' | 'h2' = 'h3'): string {
  const window =
    post.kind === 'maintenance' && post.startsAt && post.endsAt
      ? `<p class="window">Scheduled ${when(post.startsAt)} – ${when(post.endsAt)}</p>`
      : '';
  const updates = post.updates
    .map((u) => `<li><strong>${STATUS_WORDS[u.status] ?? esc(u.status)}</strong> <time datetime="${u.at}">${when(u.at)}</time><p>${esc(u.message)}</p></li>`)
    .join('');
  return `<article class="post ${post.kind}"><${level}>${esc(post.title)} <span class="post-status">${post.kind === 'maintenance' ? 'Maintenance' : 'Incident'} · ${STATUS_WORDS[post.status] ?? esc(post.status)}</span></${level}>${window}<ol class="updates">${updates}</ol></article>`;
}

/** The page's one stylesheet, inline; its CSP allows it by hash (page-csp.ts). */
export const STATUS_PAGE_STYLE = `
:root{color-scheme:light dark;--bg:#f7f8fa;--card:#fff;--text:#1b1f24;--muted:#57606a;--line:#d8dee4;--good:#1a7f37;--fair:#bf8700;--bad:#cf222e;--none:#afb8c1;--accent:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--text:#e6edf3;--muted:#9198a1;--line:#30363d;--good:#3fb950;--fair:#d29922;--bad:#f85149;--none:#484f58;--accent:#4493f8}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--text)}
main{max-width:860px;margin:0 auto;padding:24px 16px 48px}header.page{display:flex;gap:12px;align-items:center;margin-bottom:8px}
header.page img{max-height:48px;max-width:160px}h1{font-size:1.75rem;margin:0}h2{font-size:1.25rem;margin:32px 0 12px}h3{font-size:1rem;margin:0}
.desc{color:var(--muted);margin:0 0 16px}a{color:var(--accent)}a:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.banner{display:flex;gap:10px;align-items:center;padding:14px 16px;border-radius:8px;font-weight:600;font-size:1.1rem;color:#fff;margin:16px 0}
.banner.operational{background:var(--good)}.banner.degraded,.banner.partial{background:var(--fair);color:#1b1f24}.banner.major{background:var(--bad)}.banner.unknown{background:var(--none);color:#1b1f24}
.notice{border:2px solid var(--fair);border-radius:8px;padding:12px 16px;background:var(--card);margin:16px 0}
ul.sites{list-style:none;margin:0;padding:0;background:var(--card);border:1px solid var(--line);border-radius:8px}
.site{padding:14px 16px;border-top:1px solid var(--line)}.site:first-child{border-top:0}
.site-head{display:flex;justify-content:space-between;gap:8px;align-items:baseline;flex-wrap:wrap}
.state{font-weight:600;font-size:.9rem;white-space:nowrap}.state.up{color:var(--good)}.state.degraded{color:var(--fair)}.state.down{color:var(--bad)}.state.paused,.state.pending{color:var(--muted)}
.url{color:var(--muted);font-size:.85rem;word-break:break-all}
${DAY_BARS_STYLE}
.bar-scale{display:flex;justify-content:space-between;color:var(--muted);font-size:.75rem}
details.days{font-size:.85rem;color:var(--muted)}details.days ul{margin:4px 0;padding-left:20px}
dl.uptime{display:flex;gap:4px 20px;margin:6px 0 0;font-size:.85rem;flex-wrap:wrap}dl.uptime div{display:flex;gap:6px}dt{color:var(--muted)}dd{margin:0;font-weight:600}
.post{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin-bottom:12px}.post h3,.post h2{font-size:1rem;margin:0}
.post-status{font-weight:400;color:var(--muted);font-size:.85rem}.window{margin:4px 0;color:var(--muted);font-size:.9rem}
ol.updates{list-style:none;margin:8px 0 0;padding:0}ol.updates li{margin-top:8px}ol.updates p{margin:2px 0 0}time{color:var(--muted);font-size:.85rem}
ul.incidents{padding-left:20px}footer{margin-top:32px;color:var(--muted);font-size:.85rem}
.empty{color:var(--muted)}
`;

export function renderStatusPage(data: StatusPageData): string {
  const logo = data.logoUrl ? `<img src="${esc(data.logoUrl)}" alt="">` : '';
  const maintenance = data.activeMaintenance
    .map((p) => `<section class="notice" aria-label="Maintenance in progress">${postBlock(p, 'h2')}</section>`)
    .join('');
  const groups = data.groups
    .map((g) => {
      const heading = g.name ? `<h2>${esc(g.name)}</h2>` : '<h2>Services</h2>';
      return `<section>${heading}<ul class="sites">${g.sites.map(siteBlock).join('')}</ul></section>`;
    })
    .join('');
  const posts = data.posts.filter((p) => !data.activeMaintenance.includes(p));
  const incidents = data.incidents
    .map((i) => `<li>${esc(i.site)}: ${i.kind === 'down' ? 'down' : 'degraded'} from ${when(i.startedAt)}${i.resolvedAt ? ` to ${when(i.resolvedAt)}` : ' — ongoing'}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(data.title)} status</title><meta name="description" content="${esc(data.description || `${data.title} status`)}">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="alternate" type="application/atom+xml" title="${esc(data.title)} status updates" href="/status/${esc(data.slug)}/feed.xml">
<style>${STATUS_PAGE_STYLE}</style></head>
<body><main id="main">
<header class="page">${logo}<h1>${esc(data.title)}</h1></header>
${data.description ? `<p class="desc">${esc(data.description)}</p>` : ''}
<div class="banner ${data.banner.level}" role="status"><span aria-hidden="true">${BANNER_SYMBOL[data.banner.level]}</span> ${esc(data.banner.text)}</div>
${maintenance}${groups || '<p class="empty">No services are shown on this page yet.</p>'}
<section><h2>Incidents and notices</h2>${posts.length ? posts.map((p) => postBlock(p)).join('') : '<p class="empty">Nothing posted in the last 90 days.</p>'}</section>
<section><h2>Incident history</h2>${incidents ? `<ul class="incidents">${incidents}</ul>` : '<p class="empty">No incidents in the last 90 days.</p>'}</section>
<footer>Updated <time datetime="${data.generatedAt}">${when(data.generatedAt)}</time> · <a href="/status/${esc(data.slug)}/feed.xml">Atom feed</a> · <a href="/api/status/${esc(data.slug)}">JSON</a></footer>
</main></body></html>`;
}
