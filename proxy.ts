import { NextResponse, type NextRequest } from 'next/server';

/**
 * Security headers for every response, and a fresh Content-Security-Policy nonce for every page. Next.js reads
 * the nonce from the request's CSP header and puts it on its own scripts; the layout reads `x-nonce` for the one
 * inline script of ours (the theme, which must run before paint). No script runs without the nonce: no
 * 'unsafe-inline' for scripts. Styles allow inline attributes, which React renders and which cannot run code.
 *
 * Next.js only honours this file at the top level of the project (beside app/), hence its place.
 */

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  // A build-time constant, not configuration: React's development build needs eval for its tooling.
  // eslint-disable-next-line no-restricted-syntax
  const dev = process.env.NODE_ENV !== 'production';
  const csp = [
    `default-src 'self'`,
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? ` 'unsafe-eval'` : ''}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('content-security-policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('x-frame-options', 'DENY');
  response.headers.set('referrer-policy', 'same-origin');
  return response;
}

export const config = {
  // Public reads are not matched (status pages, their feeds and JSON views, badges): they need no nonce, a page
  // carries its own stricter CSP (lib/status/page-csp.ts) that may name its logo's origin, and next.config.js
  // gives them static security headers, so a crowd reading them costs no per-request proxy work.
  matcher: [{ source: '/((?!_next/static|_next/image|favicon|screenshots|status/|api/badges/|api/status/).*)' }],
};
