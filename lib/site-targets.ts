import type { SiteKind, SiteSettings } from '../db/domain';
import { parseTcpUrl } from './target-syntax';

/**
 * A site's target — the URL it is stored with for its kind, the host a check connects to, a name made from it —
 * without the schemas' validation library, so the one-shot CLI reads its URL list with the same rules as the API.
 */

/** What `url` holds for a push site: it has no target, its pings come to it. */
export const PUSH_URL = 'push:';

/** A DNS name: labels of letters, digits, `_` and `-`, up to 253 characters, an optional final dot. */
export const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;

/** The kind a URL's scheme stands for when no kind is given: `tcp://` and `tls://` → tcp, `dns://` → dns, else http. */
export function kindOfUrl(url: string): SiteKind {
  const scheme = /^\s*([a-z]+):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'tcp' || scheme === 'tls') return 'tcp';
  if (scheme === 'dns') return 'dns';
  return 'http';
}

/** The URL a site of `kind` is stored with, or the reason `url` does not fit the kind. */
export function normaliseTarget(kind: SiteKind, url: string | undefined): { url: string } | { problem: string } {
  if (kind === 'push') return { url: PUSH_URL };
  if (url === undefined || url.trim() === '') return { problem: 'is required' };
  const given = url.trim();
  switch (kind) {
    case 'http': {
      let u: URL;
      try {
        u = new URL(given);
      } catch {
        return { problem: 'is not a valid URL (example: https://example.com/health)' };
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return { problem: 'must start with http:// or https://' };
      if (u.username !== '' || u.password !== '') return { problem: 'must not contain a user name or password' };
      return { url: u.href };
    }
    case 'tcp': {
      const parsed = parseTcpUrl(/^[a-z]+:\/\//i.test(given) ? given : `tcp://${given}`);
      if (typeof parsed === 'string') return { problem: `must be tcp://host:port or tls://host:port (${parsed})` };
      const host = parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
      return { url: `${parsed.protocol}//${host}:${parsed.port}` };
    }
    case 'dns': {
      const name = given.replace(/^dns:\/\//i, '').replace(/\/+$/, '');
      if (!HOST_NAME.test(name)) return { problem: 'must be a name to resolve, like dns://example.com' };
      return { url: `dns://${name.toLowerCase()}` };
    }
  }
}

/** The host a check of this site connects to (for the target policy at save time); null for push. */
export function targetHost(site: Pick<SiteSettings, 'kind' | 'url'>): string | null {
  if (site.kind === 'push' || site.kind === 'dns') return null;
  const parsed = site.kind === 'tcp' ? parseTcpUrl(site.url) : null;
  if (parsed !== null) return typeof parsed === 'string' ? null : parsed.host;
  return new URL(site.url).hostname.replace(/^\[|\]$/g, '');
}

/** A display name for a site saved without one. */
export function nameForTarget(kind: SiteKind, url: string): string {
  if (kind === 'push') return 'Push check';
  if (kind === 'dns') return url.replace(/^dns:\/\//, '');
  if (kind === 'tcp') return url.replace(/^(tcp|tls):\/\//, '');
  return new URL(url).hostname.replace(/^www\./, '');
}
