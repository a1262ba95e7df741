import type { SiteKind } from '@/db/domain';
import { formatAddress } from './format';
import type { OverviewSiteWire } from './overview-types';

/**
 * What a row says a site checks, in the syntax of its kind: an HTTP site its host and path, a TCP site
 * `tcp://host:port` (or `tls://`), a DNS site the name and the record type, a push site its heartbeat. Pure, so
 * the search and the row read the same words.
 */

export const KIND_LABELS: Record<SiteKind, string> = { http: 'HTTP', tcp: 'TCP', dns: 'DNS', push: 'Push' };

export function targetText(site: Pick<OverviewSiteWire, 'kind' | 'url' | 'dnsRecordType' | 'lastCheck'>): string {
  switch (site.kind) {
    case 'http':
      return formatAddress(site.url);
    case 'tcp':
      return site.url;
    case 'dns':
      return `${site.url.replace(/^dns:\/\//, '')} ${site.dnsRecordType}`;
    case 'push':
      // `push:` is no address anyone could visit: the site's pings come to Upbeat.
      return site.lastCheck ? 'heartbeat' : 'waiting for first ping';
  }
}

// Search runs over every site at each keystroke; the words of a site are built once per site object (the
// overview keeps the objects of unchanged sites, so a live update rebuilds only the rows that changed).
const searchTexts = new WeakMap<OverviewSiteWire, string>();

/** Name, URL, kind and target in lower case: what the search box matches against. */
export function searchTextOf(site: OverviewSiteWire): string {
  let text = searchTexts.get(site);
  if (text === undefined) {
    text = `${site.name}\n${site.url}\n${site.kind}\n${targetText(site)}`.toLowerCase();
    searchTexts.set(site, text);
  }
  return text;
}

/** Every word of the query must occur (so "tcp db" finds the TCP site named db-primary). */
export function matchesQuery(site: OverviewSiteWire, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const text = searchTextOf(site);
  return words.every((w) => text.includes(w));
}

export function queryWords(query: string): string[] {
  return query.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
}
