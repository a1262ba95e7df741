/** @type {import('next').NextConfig} */
const nextConfig = {
  // Lets two builds live side by side (e.g. tests of one branch while another is served); default `.next`.
  distDir: process.env.UPBEAT_DIST_DIR || '.next',
  // better-sqlite3 is a native addon: load it from node_modules at run time, never bundle it.
  serverExternalPackages: ['better-sqlite3'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
