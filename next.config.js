/**
 * Requests that take gzip: `gzip` in Accept-Encoding, unless refused with q=0. Next.js anchors the pattern.
 * Shared by the rewrite and the header below, so a body and its Content-Encoding are decided by one test.
 */
const TAKES_GZIP = [
  { type: 'header', key: 'accept-encoding', value: '(?:|.*[\\s,])gzip(?!\\s*;\\s*q\\s*=\\s*0(?:\\.0*)?\\s*(?:,|$))(?:[\\s;,].*)?' },
];
const GZIP = [{ key: 'content-encoding', value: 'gzip' }];

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
      { source: '/status/:slug', has: TAKES_GZIP, headers: GZIP },
      { source: '/status/:slug/index.html.gz', headers: GZIP },
    ];
  },
  async rewrites() {
    return { beforeFiles: [{ source: '/status/:slug', has: TAKES_GZIP, destination: '/status/:slug/index.html.gz' }] };
  },
};

export default nextConfig;
