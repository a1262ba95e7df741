import crypto from 'node:crypto';

/**
 * The Content-Security-Policy of a public status page, which it sends itself (proxy.ts leaves these paths to it).
 * The page has no script and one inline stylesheet, so it is stricter than the app's: nothing loads but that
 * stylesheet (by its hash), images from this server and `data:`, and the page's logo. The logo is the only
 * widening, for this page only: its origin, and only an https one (the logo URL is validated as https:// or a path
 * here, and a path is 'self').
 */

/** The strict policy for what a status path sends that is not a page (not found, rate limited). */
export const BARE_CSP = `default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** The https origin a logo URL loads from, or null for a path on this server (or anything else). */
export function logoOrigin(logoUrl: string | null): string | null {
  if (!logoUrl || !logoUrl.startsWith('https://')) return null;
  try {
    const { origin } = new URL(logoUrl);
    // A host name or IPv4 address and a port: nothing that could end the source list, and no IPv6 literal (CSP has
    // no syntax for one).
    return /^https:\/\/[a-z0-9.-]+(?::\d+)?$/i.test(origin) ? origin : null;
  } catch {
    return null;
  }
}

export function statusPageCsp(style: string, logoUrl: string | null): string {
  const hash = crypto.createHash('sha256').update(style).digest('base64');
  const logo = logoOrigin(logoUrl);
  return [
    `default-src 'none'`,
    `style-src 'sha256-${hash}'`,
    `img-src 'self' data:${logo ? ` ${logo}` : ''}`,
    `base-uri 'none'`,
    `form-action 'none'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}
