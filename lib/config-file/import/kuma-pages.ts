import type { Draft } from './assemble';
import type { KumaMonitor, KumaStatusPage } from './kuma-map';
import type { ImportReport, KeyMaker } from './report';

/**
 * Kuma's status pages → Upbeat's: slug, title, description, and each group of monitors under its heading (a
 * group of the document, shared with Kuma's group monitors of the same name). What a page had that Upbeat's do
 * not (a password, custom CSS, a footer, its own domains) and monitors not carried over are reported.
 */
export function mapStatusPages(
  pages: readonly KumaStatusPage[],
  monitors: readonly KumaMonitor[],
  siteOf: ReadonlyMap<number, string>,
  draft: Draft,
  groupKeys: KeyMaker,
  report: ImportReport,
): void {
  const nameOf = new Map(monitors.map((m) => [m.id, m.name]));
  // A heading named like a Kuma group monitor is that group.
  const headingKey = new Map<string, string>(draft.groups.map((g) => [g.name, g.key]));
  for (const p of pages) {
    const part = (field: string, reason: string) => report.add('status page setting', `${p.title}: ${field}`, reason);
    if (p.hasPassword) part('password', 'Upbeat status pages are public');
    if (!p.published) part('published', 'the page was unpublished in Kuma; Upbeat publishes it');
    if (p.customCss?.trim()) part('custom CSS', 'Upbeat pages take no custom CSS');
    if (p.footerText?.trim()) part('footer', 'Upbeat pages have no footer text');
    if (p.domains.length > 0) part('domains', `${p.domains.join(', ')}: Upbeat serves pages at /status/<slug> only`);
    const sites: { site: string; group?: string }[] = [];
    for (const g of p.groups) {
      const heading = g.name.trim().slice(0, 60);
      let group: string | undefined;
      if (heading !== '') {
        group = headingKey.get(heading);
        if (group === undefined) {
          group = groupKeys.make(heading);
          headingKey.set(heading, group);
          draft.groups.push({ key: group, name: heading });
        }
      }
      for (const id of g.monitorIds) {
        const site = siteOf.get(id);
        if (site === undefined) {
          part(`monitor ${nameOf.get(id) ?? `#${id}`}`, 'the monitor was not carried over (see above), so it is not on the page');
          continue;
        }
        sites.push(group === undefined ? { site } : { site, group });
      }
    }
    draft.statusPages.push({
      from: p.title,
      page: { key: p.slug, title: p.title.slice(0, 100), description: (p.description ?? '').slice(0, 500), sites },
    });
  }
}
