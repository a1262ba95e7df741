/**
 * Requests that take gzip: `gzip` in Accept-Encoding, unless refused with q=0. Next.js anchors the pattern.
 * Shared by the rewrite and the header below, so a body and its Content-Encoding are decided by one test.
 */
const TAKES_GZIP = [
  { type: 'header', key: 'accept-encoding', value: '(?:|.*[\\s,])gzip(?!\\s*;\\s*q\\s*=\\s*0(?:\\.0*)?\\s*(?:,|$))(?:[\\s;,].*)?' },
];
const GZIP = [{ key: 'content-encoding', value: 'gzip' }];

/**
 * The security headers proxy.ts sets, for the public reads it skips (status pages, their feeds and JSON, badges):
 * what anyone may read in a burst is served without the proxy's per-request work (a page's own CSP comes from its
 * handler, lib/status/page-csp.ts), and static headers here cost nothing per request.
 */
/** Feeds, badges and JSON views run no script and load nothing; an SVG badge opened on its own may style itself. */
const PUBLIC_DATA_CSP = {
  key: 'content-security-policy',
  value: "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};
const STATIC_SECURITY = [
  { key: 'x-content-type-options', value: 'nosniff' },
  { key: 'x-frame-options', value: 'DENY' },
  { key: 'referrer-policy', value: 'same-origin' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets two builds live side by side (e.g. tests of one branch while another is served); default `.next`.
  distDir: process.env.UPBEAT_DIST_DIR || '.next',
  // better-sqlite3 is a native addon: load it from node_modules at run time, never bundle it.
  serverExternalPackages: ['better-sqlite3'],
  poweredByHeader: false,
  reactStrictMode: true,
  // A public status page is compressed once per cache window (app/status/[slug]/index.html.gz), not per reader:
  // Next.js drops a Content-Encoding returned by a route handler, so the header is set here, for exactly the
  // requests the rewrite sends there (its own compression then leaves the body alone).
  async headers() {
    return [
      { source: '/status/:path*', headers: STATIC_SECURITY },
      { source: '/status/:slug/feed.xml', headers: [PUBLIC_DATA_CSP] },
      { source: '/api/badges/:path*', headers: [...STATIC_SECURITY, PUBLIC_DATA_CSP] },
      { source: '/api/status/:path*', headers: [...STATIC_SECURITY, PUBLIC_DATA_CSP] },
      { source: '/status/:slug', has: TAKES_GZIP, headers: GZIP },
      { source: '/status/:slug/index.html.gz', headers: GZIP },
    ];
  },
  async rewrites() {
    return { beforeFiles: [{ source: '/status/:slug', has: TAKES_GZIP, destination: '/status/:slug/index.html.gz' }] };
  },
};

export default nextConfig;
